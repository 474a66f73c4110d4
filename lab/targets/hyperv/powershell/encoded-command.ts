import type { PsCode } from './ps-script.js';

/**
 * The command line that runs a script: `powershell -NoProfile -NonInteractive -EncodedCommand <base64 of
 * the UTF-16LE text>`. Base64 holds only letters, digits, `+`, `/` and `=`, so the script survives any
 * shell in between (cmd.exe on a Windows OpenSSH server) without a single character of quoting.
 */
export function encodedCommandArgv(script: PsCode, shell: 'powershell' | 'pwsh' = 'powershell'): string[] {
  return [shell, '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script.text, 'utf16le').toString('base64')];
}

/** The script back from an -EncodedCommand argument (tests, the Hyper-V host double). */
export function decodeEncodedCommand(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf16le');
}

/** Windows' limit on a whole command line; a script longer than this cannot be sent this way. */
export const MAX_COMMAND_LINE = 32_767;
