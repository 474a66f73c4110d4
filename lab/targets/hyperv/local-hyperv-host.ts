import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { parseHostAnswer, type HypervHost } from './hyperv-host.js';
import { encodedCommandArgv } from './powershell/encoded-command.js';
import type { PsCode } from './powershell/ps-script.js';

/** lab runs on the Hyper-V host itself: PowerShell started directly (no shell in between). */
export class LocalHypervHost implements HypervHost {
  readonly label: string;

  constructor(
    name: string,
    private readonly shell: 'powershell' | 'pwsh',
    private readonly timeoutMs = 300_000,
  ) {
    this.label = `${name} (this machine)`;
  }

  async run<T>(script: PsCode, what: string): Promise<T> {
    const [file, ...args] = encodedCommandArgv(script, this.shell);
    const result = await execa(file!, args, { reject: false, timeout: this.timeoutMs, stdin: 'ignore', windowsHide: true });
    if (result.failed && result.exitCode === undefined && !result.timedOut) {
      throw new HarnessError(
        'LAB_HYPERV_HOST',
        `Hyper-V host ${this.label}: ${this.shell} could not be started (${result.code ?? result.shortMessage}). ` +
          `Fix: \`local: true\` is for lab running on the Hyper-V host itself; from another machine, reach the host with \`ssh:\` in the inventory.`,
      );
    }
    return parseHostAnswer<T>(this.label, what, result.stdout, result.stderr, result.exitCode ?? null);
  }

  async close(): Promise<void> {}
}
