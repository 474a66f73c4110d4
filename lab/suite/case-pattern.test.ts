import { describe, expect, it } from 'vitest';
import type { Case } from './case.js';
import { caseFilter } from './case-filter.js';
import { parseCasePattern, type CasePattern } from './case-pattern.js';

function pattern(text: string): CasePattern {
  const parsed = parseCasePattern(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

const aCase = (id: string, name: string) => ({ id, name }) as Case;
const CASES = [
  aCase('echo/seed-exchange', 'seed exchange'),
  aCase('echo/reflect-length[len=11]', 'reflect length'),
  aCase('echo/reflect-length-at-the-buffer-boundary[len=1023]', 'reflect length at the buffer boundary'),
  aCase('echo/concurrent-reflect-and-read[threads=8]', 'concurrent reflect and read'),
  aCase('echo/payload[label=HELLO]', 'payload'),
];
const selected = (...patterns: string[]) => CASES.filter(caseFilter(patterns)).map((c) => c.id);

describe('a case pattern: one meaning for --filter and waivers', () => {
  it('a glob matches the whole text, case-sensitively; * is any run of characters, ? one; the rest is itself', () => {
    const p = pattern('echo/reflect*');
    expect(p.matches('echo/reflect-length[len=11]')).toBe(true);
    expect(p.matches('other/echo/reflect')).toBe(false);
    expect(p.matches('Echo/reflect-length')).toBe(false);
    expect(pattern('echo/reflect-length[len=1?]').matches('echo/reflect-length[len=11]')).toBe(true);
    expect(pattern('echo/a.b').matches('echo/aXb')).toBe(false);
    expect(pattern('echo/seed').matches('echo/seed-exchange')).toBe(false);
  });

  it('a /regex/ is searched as written, flags and all; one that does not compile says why', () => {
    expect(pattern('/reflect-length\\[/').matches('echo/reflect-length[len=11]')).toBe(true);
    expect(pattern('/^REFLECT/i').matches('reflect')).toBe(true);
    expect(pattern('/^reflect/').matches('echo/reflect')).toBe(false);
    expect(parseCasePattern('/(/')).toEqual({ error: expect.stringMatching(/^expected a valid regular expression, found an error: /) });
  });

  it('plain text is a pattern without * or ?, and no /regex/', () => {
    expect([pattern('boundary').plain, pattern('seed-*').plain, pattern('/x/').plain]).toEqual([true, false, false]);
  });
});

describe('--filter', () => {
  it('matches the id, the id after the suite, or the name', () => {
    expect(selected('echo/seed-exchange')).toEqual(['echo/seed-exchange']);
    expect(selected('seed-*')).toEqual(['echo/seed-exchange']);
    expect(selected('concurrent reflect and read')).toEqual(['echo/concurrent-reflect-and-read[threads=8]']);
    expect(selected('reflect-length-at-the-buffer-boundary*')).toEqual(['echo/reflect-length-at-the-buffer-boundary[len=1023]']);
  });

  it('plain text is found inside the id or the name; a glob is not (it matches whole)', () => {
    expect(selected('boundary')).toEqual(['echo/reflect-length-at-the-buffer-boundary[len=1023]']);
    expect(selected('reflect-length[len=11]')).toEqual(['echo/reflect-length[len=11]']);
    expect(selected('reflect*')).toEqual(['echo/reflect-length[len=11]', 'echo/reflect-length-at-the-buffer-boundary[len=1023]']);
    expect(selected('*reflect*')).toEqual([
      'echo/reflect-length[len=11]',
      'echo/reflect-length-at-the-buffer-boundary[len=1023]',
      'echo/concurrent-reflect-and-read[threads=8]',
    ]);
  });

  it('is case-sensitive like a waiver, unless a /regex/i says otherwise', () => {
    expect(selected('HELLO')).toEqual(['echo/payload[label=HELLO]']);
    expect(selected('hello')).toEqual([]);
    expect(selected('/hello/i')).toEqual(['echo/payload[label=HELLO]']);
  });

  it('any pattern of several; none: every case; a /regex/ that does not compile is a usage error', () => {
    expect(selected('seed-*', 'boundary')).toHaveLength(2);
    expect(selected()).toHaveLength(CASES.length);
    expect(() => selected('/(/')).toThrow(
      expect.objectContaining({ code: 'LAB_BAD_FILTER', message: expect.stringMatching(/^--filter \/\(\/: expected a valid regular expression/) }),
    );
  });
});
