/**
 * TEST INFRASTRUCTURE (loopback SSH server): OpenSSH's own sftp-server, with `/C:/...` (the form Windows'
 * OpenSSH server uses) landing in the emulated machine's drive_c. A private mount namespace binds /usr
 * and /etc read-only, /dev/null, and drive_c at `/C:` inside a skeleton, then chroots there; the mounts vanish with the
 * session. As root that is `unshare -m`; as another user, `unshare -Urm` (a user namespace) does the same.
 */
import type { ShimConfig } from './shim-config.js';

const SCRIPT = [
  'set -e',
  // sshd gives a non-root user a PATH without the sbin folders, where chroot lives.
  'PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH',
  'root="$1"; drive="$2"; server="$3"',
  'mount --bind /usr "$root/usr"',
  'mount -o remount,bind,ro "$root/usr"',
  'mount --bind /etc "$root/etc"',
  'mount -o remount,bind,ro "$root/etc"',
  'mount --bind /dev/null "$root/dev/null"',
  'mount --bind "$drive" "$root/C:"',
  'exec chroot "$root" "$server"',
].join('\n');

/** The command the SSH session becomes (it keeps the session's stdin and stdout for the SFTP protocol). */
export function sftpCommand(config: ShimConfig): string[] {
  const unshare = config.asRoot ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
  return ['unshare', ...unshare, '--', '/bin/sh', '-c', SCRIPT, 'sh', config.sftpRoot, config.driveC, config.sftpServer];
}
