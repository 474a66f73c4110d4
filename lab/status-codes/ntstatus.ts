/**
 * NTSTATUS names, as suites write them (`status: STATUS_INVALID_PARAMETER`, `INVALID_PARAMETER`,
 * 0xC000000D) and messages print them ("0xC000000D (STATUS_INVALID_PARAMETER)"). Every name of mingw-w64's
 * ntstatus.h, generated at build time (names.generated.ts). A leaf: imports nothing of lab.
 */
import { NTSTATUS_NAMES } from './names.generated.js';

const BY_NAME = new Map<string, number>();
const NAME_OF = new Map<number, string>();
for (const [name, value] of NTSTATUS_NAMES) {
  BY_NAME.set(name, value);
  if (!NAME_OF.has(value)) NAME_OF.set(value, name);
}

/**
 * An NTSTATUS as an unsigned 32-bit number: a number (negative ones as the signed LONG a driver returns),
 * decimal or 0x hex text, or a name with or without `STATUS_` (any case). Undefined for an unknown name or
 * a number outside 32 bits.
 */
export function parseNtStatus(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -0x8000_0000 && value <= 0xffff_ffff ? value >>> 0 : undefined;
  if (/^(?:\d+|0[xX][0-9a-fA-F]+)$/.test(value)) return parseNtStatus(Number(value));
  const upper = value.toUpperCase();
  return BY_NAME.get(upper) ?? BY_NAME.get(`STATUS_${upper}`);
}

/** Whether a name is one of ntstatus.h's (STATUS_..., DBG_..., RPC_NT_...), as written. */
export function isNtStatusName(value: string): boolean {
  return BY_NAME.has(value.toUpperCase());
}

export function ntStatusName(value: number): string | undefined {
  return NAME_OF.get(value >>> 0);
}

/** 0xC000000D: eight upper-case hex digits, as NTSTATUS values are written. */
export function ntStatusHex(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** "0xC000000D (STATUS_INVALID_PARAMETER)", or just the hex when there is no name; "not reported" for null. */
export function describeNtStatus(value: number | null): string {
  if (value === null) return 'not reported';
  const name = ntStatusName(value);
  return name ? `${ntStatusHex(value)} (${name})` : ntStatusHex(value);
}
