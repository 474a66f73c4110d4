import { UsageError } from '../errors/lab-error.js';
import type { Case } from './case.js';
import { parseCasePattern, type CasePattern } from './case-pattern.js';

/**
 * `--filter`: a case runs when any pattern (case-pattern.ts) matches its id, its id after the suite's
 * name (`seed-*` for `echo/seed-exchange`), or its name; a pattern that is plain text also matches when
 * one of them contains it (`boundary`, `seed exchange`), so a word from a name is enough to select.
 */
export function caseFilter(patterns: readonly string[]): (c: Case) => boolean {
  if (patterns.length === 0) return () => true;
  const parsed = patterns.map(toPattern);
  return (c) => {
    const texts = [c.id, c.id.slice(c.id.indexOf('/') + 1), c.name];
    return parsed.some((p) => texts.some((t) => p.matches(t) || (p.plain && t.includes(p.text))));
  };
}

function toPattern(pattern: string): CasePattern {
  const parsed = parseCasePattern(pattern);
  if ('error' in parsed) throw new UsageError('LAB_BAD_FILTER', `--filter ${pattern}: ${parsed.error}`);
  return parsed;
}
