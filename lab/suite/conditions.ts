/**
 * `when` conditions over a case's parameters: the one test behind expectation alternatives, `exclude`,
 * `skip` and `only`. A condition is a value (equal to it) or { min, max, in, not }; all must hold.
 */
import type { Params } from './expression.js';

export type Condition = string | number | boolean | { min?: number; max?: number; in?: unknown[]; not?: unknown };
export type When = Readonly<Record<string, Condition>>;

export function holds(value: unknown, cond: Condition): boolean {
  if (cond === null || typeof cond !== 'object') return value === cond;
  if (cond.min !== undefined && !(typeof value === 'number' && value >= cond.min)) return false;
  if (cond.max !== undefined && !(typeof value === 'number' && value <= cond.max)) return false;
  if (cond.in !== undefined && !cond.in.includes(value)) return false;
  if (cond.not !== undefined && value === cond.not) return false;
  return true;
}

/** Every condition of `when` holds for the parameters (an absent `when` always holds). */
export function whenHolds(when: When | undefined, params: Params): boolean {
  return !when || Object.entries(when).every(([name, cond]) => holds(params[name], cond));
}
