import { HarnessError } from '../../errors/lab-error.js';
import type { CommandResult } from '../ssh/ssh-connection.js';

export function driverVerifierError(vm: string, drivers: string[], result: CommandResult): HarnessError {
  const said = `${result.stdout}\n${result.stderr}`.trim().split(/\r?\n/).slice(-2).join(' ');
  return new HarnessError(
    'LAB_HYPERV_VERIFIER',
    `VM '${vm}': Driver Verifier could not be turned on for ${drivers.join(', ')} ` +
      `(exit ${result.exitCode ?? 'unknown'}${said ? `: ${said}` : ''}). ` +
      `Fix: volatile verification needs Windows 10 or later and an administrator session; or remove \`verifier\` from the inventory entry.`,
  );
}
