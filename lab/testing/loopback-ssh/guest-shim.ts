/**
 * TEST INFRASTRUCTURE: one command of the loopback sshd, run by the shim server (shim-server.ts); sshd
 * puts what the client asked for in SSH_ORIGINAL_COMMAND. SFTP goes to OpenSSH's sftp-server (chrooted so
 * `/C:/...` is the emulated machine's drive C); every other command is a cmd.exe command line for the
 * emulated Windows machine (windows-guest.ts), where `powershell -EncodedCommand` reaches the Hyper-V host
 * double.
 */
import type { ShimConfig } from './shim-config.js';
import type { ShimSession } from './shim-session.js';
import { sftpCommand } from './sftp-chroot.js';
import { logCall, runCommandLine } from './windows-guest.js';

export async function runSession(config: ShimConfig, session: ShimSession): Promise<number> {
  const line = session.env.SSH_ORIGINAL_COMMAND ?? '';
  if (!line) {
    session.stderr('loopback shim: interactive sessions are not supported; send a command\r\n');
    return 1;
  }
  if (line === config.sftpServer || line === 'internal-sftp') {
    logCall(config, session, { kind: 'sftp', line });
    session.become(sftpCommand(config));
    return 0;
  }
  return runCommandLine(config, session, line);
}
