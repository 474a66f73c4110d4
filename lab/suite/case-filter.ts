import { UsageError } from '../errors/lab-error.js';
import type { Case } from './case.js';

/**
 * `--filter`: a case runs when any pattern matches its id or name. A pattern is a substring, a glob with
 * `*` and `?` (matching anywhere in the id or name, like a substring), or a /regular expression/.
 */
export function caseFilter(patterns: readonly string[]): (c: Case) => boolean {
  if (patterns.length === 0) return () => true;
  const tests = patterns.map(toTest);
  return (c) => tests.some((t) => t(c.id) || t(c.name));
}

function toTest(pattern: string): (text: string) => boolean {
  const regex = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1]!, regex[2]);
    } catch (error) {
      throw new UsageError('LAB_BAD_FILTER', `--filter ${pattern}: expected a valid regular expression, found an error: ${(error as Error).message}`);
    }
    return (text) => re.test(text);
  }
  if (/[*?]/.test(pattern)) {
    const re = new RegExp(pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'), 'i');
    return (text) => re.test(text);
  }
  const needle = pattern.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}
