/**
 * Decodes one stdout line of the guest runner (driver/guest/PROTOCOL.md, "Results") into a GuestEvent,
 * through the zod schema of its kind (result.ts). A line that is not what the protocol says (not JSON, a
 * known type with a missing or mistyped field: a runner cut off mid-line, a corrupted transport) throws
 * GuestLineError naming the field; a well-formed line of a type this version does not know comes back as
 * `{ t: 'unknown' }`, so a newer runner never breaks an older host.
 */
import type { z } from 'zod';
import { GUEST_LINES, type GuestEvent } from './result.js';

/** A run turns it into a warning naming the line (lab/run/guest-session.ts); the case then ends as the runner's events say. */
export class GuestLineError extends Error {
  constructor(
    readonly problem: string,
    readonly raw: string,
  ) {
    super(`malformed guest runner line: ${problem}: ${raw.length > 200 ? `${raw.slice(0, 200)}...` : raw}`);
    this.name = 'GuestLineError';
  }
}

export function decodeGuestLine(line: string): GuestEvent {
  const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new GuestLineError(raw.trim() === '' ? 'empty line' : 'not JSON', raw);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof (o as { t?: unknown }).t !== 'string')
    throw new GuestLineError('not an object with a string "t"', raw);
  const t = (o as { t: string }).t;
  // A `case` line with an `error` is a case the runner could not run.
  const kind = t === 'case' && (o as { error?: unknown }).error !== undefined ? 'case-error' : t;
  if (!Object.hasOwn(GUEST_LINES, kind)) return { t: 'unknown', type: t, raw };
  const parsed = GUEST_LINES[kind as keyof typeof GUEST_LINES].safeParse(o);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GuestLineError(`${fieldName(issue.path)} ${issue.message}`, raw);
}

/** The maps of counts in a `par` step: their keys are values (an error code), written `errors["87"]`. */
const COUNT_MAPS = new Set<PropertyKey>(['errors', 'statuses', 'returned']);

/** `steps[2].sub[0].errors["87"]`: a field as the protocol names it. */
function fieldName(path: z.core.$ZodIssue['path']): string {
  let name = '';
  path.forEach((key, i) => {
    if (typeof key === 'number') name += `[${key}]`;
    else if (i > 0 && COUNT_MAPS.has(path[i - 1]!)) name += `[${JSON.stringify(key)}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  });
  return name;
}
