/**
 * Windows paths as lab handles them on a remote machine: absolute drive paths only (`C:\lab\x.sys`),
 * checked before they reach SFTP or a command line, and turned into the form Windows' OpenSSH SFTP
 * server uses (`/C:/lab/x.sys`).
 */
import { UsageError } from '../../errors/lab-error.js';

export class WindowsPathError extends UsageError {
  constructor(message: string) {
    super('LAB_WINDOWS_PATH', message);
  }
}

/** Characters Windows does not allow in a file name, plus control characters. */
const FORBIDDEN = /[<>"|?*\u0000-\u001f]/;

/** Checks an absolute drive path and returns it normalised to backslashes, without a trailing one. */
export function checkWindowsPath(path: string): string {
  const m = /^([A-Za-z]):[\\/](.*)$/s.exec(path);
  if (!m) throw new WindowsPathError(`expected an absolute Windows path like C:\\lab\\file, found ${JSON.stringify(path)}`);
  const parts = (m[2] ?? '').split(/[\\/]+/).filter(Boolean);
  for (const part of parts) {
    if (part === '.' || part === '..') throw new WindowsPathError(`a Windows path may not contain . or .. parts: ${JSON.stringify(path)}`);
    if (FORBIDDEN.test(part) || part.includes(':'))
      throw new WindowsPathError(
        `${JSON.stringify(part)} is not a valid Windows file name (no < > : " | ? * or control characters) in ${JSON.stringify(path)}`,
      );
    if (/[ .]$/.test(part))
      throw new WindowsPathError(`Windows drops a trailing space or dot from ${JSON.stringify(part)}; rename it (in ${JSON.stringify(path)})`);
  }
  const drive = `${m[1]!.toUpperCase()}:`;
  return parts.length === 0 ? `${drive}\\` : [drive, ...parts].join('\\');
}

/** `C:\lab\x` → `/C:/lab/x`, the SFTP path Windows' OpenSSH server maps back to that file. */
export function sftpPath(windowsPath: string): string {
  return `/${checkWindowsPath(windowsPath).split('\\').join('/')}`;
}

export function joinWindowsPath(dir: string, name: string): string {
  return checkWindowsPath(`${checkWindowsPath(dir)}\\${name}`);
}

export function windowsDirname(path: string): string {
  const parts = checkWindowsPath(path).split('\\');
  return parts.length <= 2 ? `${parts[0]}\\` : parts.slice(0, -1).join('\\');
}

export function windowsBasename(path: string): string {
  return checkWindowsPath(path).split('\\').pop() ?? '';
}
