import type { CaseStatus } from '../verdict/case-result.js';
import type { WaivableStatus } from './waiver-schema.js';

/** A validated waiver, ready to match case ids. */
export interface Waiver {
  /** The `case` id or the `pattern`, as written. */
  match: string;
  matches(id: string): boolean;
  reason: string;
  link?: string;
  /** Last day the waiver holds (YYYY-MM-DD, UTC). */
  expires: string;
  statuses: readonly WaivableStatus[];
  /** file:line:column of the entry. */
  source: string;
}

export interface WaiverList {
  /** The file as the user named it. */
  file: string;
  waivers: Waiver[];
}

/** Today as YYYY-MM-DD in UTC: waivers expire at the end of their last day, the same for every CI runner. */
export function utcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A waiver holds through its `expires` day and is expired from the day after. */
export function isExpired(waiver: Pick<Waiver, 'expires'>, today: string): boolean {
  return today > waiver.expires;
}

/** Whole days from the waiver's last day to today (1 the day after it). */
export function daysSince(day: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
}

export function covers(waiver: Waiver, status: CaseStatus): boolean {
  return (waiver.statuses as readonly string[]).includes(status);
}
