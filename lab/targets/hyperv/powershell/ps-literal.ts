/**
 * PowerShell literals from typed values. Strings become single-quoted (verbatim) strings, where nothing
 * is expanded and the only special characters are the quotes themselves: PowerShell treats U+2018,
 * U+2019, U+201A and U+201B as single quotes too, so every one of them is doubled, not just `'`.
 */
import { UsageError } from '../../../errors/lab-error.js';

export class PsLiteralError extends UsageError {
  constructor(message: string) {
    super('LAB_POWERSHELL_VALUE', message);
  }
}

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function psString(value: string): string {
  if (value.includes('\0')) throw new PsLiteralError('a PowerShell string cannot carry a NUL character');
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

export function psInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new PsLiteralError(`expected a whole number for PowerShell, found ${value}`);
  return value < 0 ? `(${value})` : String(value);
}

export function psBoolean(value: boolean): string {
  return value ? '$true' : '$false';
}

/** A point in time, parsed by the host in the invariant culture (no dependency on the host's locale). */
export function psDate(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new PsLiteralError('expected a valid date for PowerShell');
  return `[datetime]::Parse(${psString(value.toISOString())}, [cultureinfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind)`;
}
