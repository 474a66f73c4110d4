/**
 * What `error:` and `status:` take, checked with the names of lab/status-codes: every Win32 name in
 * `error:`, every NTSTATUS name or 32-bit value in `status:`, and an NTSTATUS written in `error:` (by name
 * or by a value no Win32 error has) refused with the fix, instead of a mismatch blamed on the driver.
 */
import { isNtStatusName, ntStatusHex, ntStatusName, parseNtStatus } from '../status-codes/ntstatus.js';
import { MAX_WIN32_ERROR, parseWin32Error } from '../status-codes/win32-errors.js';

/** Why a value cannot be a Win32 error expectation, or undefined when it can. */
export function win32ErrorProblem(value: number | string): string | undefined {
  const range = `0..${MAX_WIN32_ERROR}`;
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)) return `expected a Win32 error (${range}), found ${value}`;
  const code = parseWin32Error(value);
  if (code !== undefined && code <= MAX_WIN32_ERROR) return undefined;
  const shown = typeof value === 'number' ? ntStatusHex(value) : `\`${value}\``;
  const status = typeof value === 'string' && isNtStatusName(value) ? parseNtStatus(value) : code;
  const name = status === undefined ? undefined : ntStatusName(status);
  if (name) {
    const which = typeof value === 'number' ? `the NTSTATUS ${name}` : `an NTSTATUS (${ntStatusHex(status!)})`;
    return `expected a Win32 error (${range} or a name such as ERROR_INVALID_PARAMETER), found ${shown}, ${which}: expect it with \`status: ${name}\``;
  }
  if (code !== undefined) return `expected a Win32 error (${range}), found ${shown}; an NTSTATUS goes in \`status:\``;
  return `expected a Win32 error number or a name from winerror.h such as ERROR_INVALID_PARAMETER, found ${shown}`;
}

/** Why a value cannot be an NTSTATUS expectation, or undefined when it can. */
export function ntStatusProblem(value: number | string): string | undefined {
  if (parseNtStatus(value) !== undefined) return undefined;
  if (typeof value === 'number') return `expected a 32-bit NTSTATUS, found ${value}`;
  if (parseWin32Error(value) !== undefined)
    return `expected an NTSTATUS name from ntstatus.h such as STATUS_INVALID_PARAMETER, found \`${value}\`, which is a Win32 error: expect it with \`error: ${value}\``;
  return `expected an NTSTATUS name from ntstatus.h such as STATUS_INVALID_PARAMETER, or a value such as 0xC000000D, found \`${value}\``;
}
