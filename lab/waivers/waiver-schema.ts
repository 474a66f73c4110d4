import { z } from 'zod';

/** The statuses a waiver can cover: outcomes that would fail a run. */
export const WAIVABLE = ['failed', 'crashed', 'hung', 'error'] as const;
export type WaivableStatus = (typeof WAIVABLE)[number];

const Status = z.enum(WAIVABLE);

/**
 * One known failure. `case` (an exact id) or `pattern` (a glob over the whole id, or a /regex/) says which
 * cases; `expires` is the last day it holds, so every waiver is looked at again. `status` says which
 * outcomes it covers (default `failed`): a waiver written for a wrong answer never hides a crash.
 */
export const WaiverEntrySchema = z.strictObject({
  case: z.string().min(1).optional(),
  pattern: z.string().min(1).optional(),
  reason: z.string().trim().min(1),
  link: z.string().refine(isHttpLink, { error: 'expected an http:// or https:// link' }).optional(),
  expires: z.iso.date({ error: 'expected a date as YYYY-MM-DD (the last day the waiver holds)' }),
  status: z.union([Status, z.array(Status).min(1)]).optional(),
});

export const WaiversFileSchema = z.strictObject({
  waivers: z.array(WaiverEntrySchema),
});

export type WaiverEntry = z.infer<typeof WaiverEntrySchema>;
export type WaiversFile = z.infer<typeof WaiversFileSchema>;

/** Field names, for "did you mean" on a misspelt key. */
export const WAIVER_FIELDS: ReadonlySet<string> = new Set(['waivers', 'case', 'pattern', 'reason', 'link', 'expires', 'status']);

/** Links end up as clickable hrefs in the HTML report: only web links, never `javascript:` or `file:`. */
function isHttpLink(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
