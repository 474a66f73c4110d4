/**
 * The words of `lab fuzz`'s options: a budget of time or calls, durations, code ranges, a seed. Each bad
 * value is a usage error that names the flag, what it takes and what it got.
 */
import { UsageError } from '../errors/lab-error.js';
import type { Budget } from './explore.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `60s`, `2m`, `1500ms`, `100000 calls`, `100000calls`. */
export function parseBudget(text: string): Budget {
  const t = text.trim().toLowerCase();
  const calls = /^(\d+)\s*calls?$/.exec(t);
  if (calls) {
    const n = Number(calls[1]);
    if (n > 0 && Number.isSafeInteger(n)) return { kind: 'calls', calls: n };
  }
  const ms = durationMs(t);
  if (ms !== undefined && ms > 0) return { kind: 'time', ms };
  throw new UsageError('LAB_USAGE', `--budget ${text}: expected a time such as 60s, 5m or 1500ms, or a number of calls such as "100000 calls"`);
}

export function parseDuration(flag: string, text: string): number {
  const ms = durationMs(text.trim().toLowerCase());
  if (ms === undefined || ms <= 0) throw new UsageError('LAB_USAGE', `${flag} ${text}: expected a time such as 30s, 2m or 1500ms`);
  return ms;
}

function durationMs(t: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)$/.exec(t);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** `0x800-0x8ff,0x900`: inclusive ranges of numbers in [0, max]. */
export function parseRanges(flag: string, text: string, max: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^\s*(0x[0-9a-f]+|\d+)\s*(?:-\s*(0x[0-9a-f]+|\d+)\s*)?$/i.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || !(from <= to) || to > max) {
      throw new UsageError(
        'LAB_USAGE',
        `${flag} ${text}: expected numbers or ranges from 0 to 0x${max.toString(16).toUpperCase()} separated by commas, e.g. 0x800-0x8FF,0x900; ${JSON.stringify(part.trim())} is not one`,
      );
    }
    out.push([from, to]);
  }
  return out;
}

/** A 32-bit seed, decimal or 0x hex. */
export function parseSeed(text: string): number {
  const n = /^(0x[0-9a-f]{1,8}|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff)
    throw new UsageError('LAB_USAGE', `--seed ${text}: expected a whole number from 0 to 4294967295 (or 0x hex)`);
  return n;
}

/** "60 s", "100,000 calls": the budget as the report says it. */
export function budgetText(budget: Budget): string {
  return budget.kind === 'calls' ? `${budget.calls.toLocaleString('en')} calls` : `${budget.ms / 1000} s`;
}
