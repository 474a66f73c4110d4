/**
 * TEST INFRASTRUCTURE: the loopback sshd's ForceCommand. `node guest-shim.js <config.json>`; sshd puts
 * what the client asked for in SSH_ORIGINAL_COMMAND. SFTP goes to OpenSSH's sftp-server (chrooted so
 * `/C:/...` is the emulated machine's drive C); every other command is a cmd.exe command line for the
 * emulated Windows machine (windows-guest.ts), where `powershell -EncodedCommand` reaches the Hyper-V host
 * double.
 */
import { readConfig } from './shim-config.js';
import { runSftp } from './sftp-chroot.js';
import { logCall, runCommandLine } from './windows-guest.js';

const config = readConfig(process.argv[2]!);
const line = process.env.SSH_ORIGINAL_COMMAND ?? '';
let code: number;
if (!line) {
  process.stderr.write('loopback shim: interactive sessions are not supported; send a command\r\n');
  code = 1;
} else if (line === config.sftpServer || line === 'internal-sftp') {
  logCall(config, { kind: 'sftp', line });
  code = await runSftp(config);
} else {
  code = await runCommandLine(config, line);
}
process.stdout.write('', () => process.exit(code));
