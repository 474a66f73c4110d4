import { cmdCommandLine } from '../ssh/cmd-command-line.js';
import { endpointText } from '../ssh/ssh-endpoint.js';
import type { SshLink } from '../ssh/ssh-link.js';
import { parseHostAnswer, type HypervHost } from './hyperv-host.js';
import { encodedCommandArgv, MAX_COMMAND_LINE } from './powershell/encoded-command.js';
import type { PsCode } from './powershell/ps-script.js';

/** A Hyper-V host over SSH (Windows' OpenSSH server; an administrator's session is elevated). */
export class SshHypervHost implements HypervHost {
  readonly label: string;

  constructor(
    name: string,
    private readonly link: SshLink,
    private readonly shell: 'powershell' | 'pwsh',
  ) {
    this.label = `${name} (${endpointText(link.endpoint)})`;
  }

  async run<T>(script: PsCode, what: string): Promise<T> {
    const line = cmdCommandLine(encodedCommandArgv(script, this.shell));
    if (line.length > MAX_COMMAND_LINE) throw new Error(`the script for ${what} is too long for one command line; this is a bug in lab`);
    const result = await this.link.run(line, { what });
    return parseHostAnswer<T>(this.label, what, result.stdout, result.stderr, result.exitCode);
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
