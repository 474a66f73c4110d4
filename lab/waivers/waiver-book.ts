import { isFailing, type CaseResult, type CaseStatus } from '../verdict/case-result.js';
import { covers, daysSince, isExpired, type Waiver, type WaiverList } from './waiver.js';

export interface ExpiredWaiver {
  match: string;
  source: string;
  expires: string;
  reason: string;
  daysAgo: number;
}

/**
 * The waivers of one run, applied case by case: a failing case a live waiver covers becomes `waived` and
 * keeps what it really was. Expired waivers waive nothing (the case keeps its failure) and are listed so
 * the gate can fail on them; live waivers that never matched are listed as candidates for removal.
 */
export class WaiverBook {
  private readonly used = new Set<Waiver>();
  private readonly live: Waiver[];

  constructor(
    readonly list: WaiverList,
    readonly today: string,
  ) {
    this.live = list.waivers.filter((w) => !isExpired(w, today));
  }

  /** The case as the reports show it: waived when a live waiver covers its status. Idempotent. */
  apply(result: CaseResult): CaseResult {
    if (!isFailing(result)) return result;
    const waiver = this.live.find((w) => w.matches(result.id) && covers(w, result.status));
    if (!waiver) return result;
    this.used.add(waiver);
    return {
      ...result,
      status: 'waived',
      waiver: {
        status: result.status,
        reason: waiver.reason,
        ...(waiver.link ? { link: waiver.link } : {}),
        expires: waiver.expires,
        match: waiver.match,
        source: waiver.source,
      },
    };
  }

  expired(): ExpiredWaiver[] {
    return this.list.waivers
      .filter((w) => isExpired(w, this.today))
      .map((w) => ({ match: w.match, source: w.source, expires: w.expires, reason: w.reason, daysAgo: daysSince(w.expires, this.today) }));
  }

  unused(): Array<{ match: string; source: string }> {
    return this.live.filter((w) => !this.used.has(w)).map((w) => ({ match: w.match, source: w.source }));
  }
}

/** What a case really was, seeing through a waiver (a baseline's waived case failed all the same). */
export function realStatus(c: CaseResult): Exclude<CaseStatus, 'waived'> {
  return c.status === 'waived' ? c.waiver.status : c.status;
}

/** The case without its waiver, so another waivers file can be applied to it (`lab gate --waivers`). */
export function unwaived(c: CaseResult): CaseResult {
  if (c.status !== 'waived') return c;
  const { waiver, ...rest } = c;
  return { ...rest, status: waiver.status };
}

/** The sentence the gate fails with for an expired waiver: which one, where, and since when. */
export function expiredMessage(w: ExpiredWaiver): string {
  return (
    `waiver \`${w.match}\` (${w.source}) expired: its last day was ${w.expires}, ${w.daysAgo} day${w.daysAgo === 1 ? '' : 's'} ago (${w.reason}). ` +
    `Fix: renew \`expires\` if the failure is still known, or remove the waiver.`
  );
}
