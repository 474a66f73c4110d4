/**
 * Which cases run where: `exclude` drops combinations of a matrix, `skip` and `only` keep a case in the
 * suite (its id stays, reports show it) but skip it on the targets and for the parameter values they name.
 */
import type { Params } from './expression.js';
import { whenHolds, type When } from './conditions.js';
import type { RawCase } from './schema.js';

export interface TargetRef {
  kind: string;
  name: string;
}

interface Rule {
  when?: When;
  on?: string[];
  reason?: string;
}

/** The combination is one of `exclude`'s: no case is made of it. */
export function excluded(exclude: RawCase['exclude'], params: Params): boolean {
  return (exclude ?? []).some((when) => whenHolds(when as When, params));
}

/**
 * Why the case is skipped here, or undefined when it runs. Without a target, an `on` is taken to miss for
 * `skip` and to hold for `only`: nothing is skipped for a target nobody named.
 */
export function skipReason(c: Pick<RawCase, 'skip' | 'only'>, params: Params, target: TargetRef | undefined): string | undefined {
  const skip = c.skip;
  if (typeof skip === 'string') return skip;
  if (skip !== undefined) {
    const rules = Array.isArray(skip) ? skip : isRule(skip) ? [skip] : undefined;
    if (rules) {
      const hit = rules.find((r) => applies(r, params, target, false));
      if (hit) return hit.reason;
    } else if (target) {
      // The older form: target kind or name → reason.
      const byTarget = skip as Record<string, string>;
      const reason =
        (Object.hasOwn(byTarget, target.name) ? byTarget[target.name] : undefined) ??
        (Object.hasOwn(byTarget, target.kind) ? byTarget[target.kind] : undefined);
      if (reason) return reason;
    }
  }
  if (c.only === undefined) return undefined;
  const only: Rule[] = Array.isArray(c.only) ? c.only : [c.only];
  if (only.some((r) => applies(r, params, target, true))) return undefined;
  return only.find((r) => r.reason)?.reason ?? `runs only ${only.map(describeRule).join(', or ')}`;
}

function isRule(value: object): value is Rule & { reason: string } {
  return (
    'reason' in value &&
    typeof (value as { reason: unknown }).reason === 'string' &&
    Object.keys(value).every((k) => k === 'when' || k === 'on' || k === 'reason')
  );
}

function applies(rule: Rule, params: Params, target: TargetRef | undefined, withoutTarget: boolean): boolean {
  if (!whenHolds(rule.when, params)) return false;
  if (!rule.on) return true;
  if (!target) return withoutTarget;
  return rule.on.includes(target.kind) || rule.on.includes(target.name);
}

function describeRule(rule: Rule): string {
  const parts: string[] = [];
  if (rule.on) parts.push(`on ${rule.on.join(', ')}`);
  if (rule.when)
    parts.push(
      `when ${Object.entries(rule.when)
        .map(([k, v]) => `${k} is ${JSON.stringify(v)}`)
        .join(' and ')}`,
    );
  return parts.join(' ') || 'everywhere';
}
