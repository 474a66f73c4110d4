import { describe, expect, it } from 'vitest';
import { formatIssue } from './file-issue.js';
import { parseYaml } from './parse-yaml.js';

const LIMITS = { noun: 'a file', maxDepth: 64, maxValues: 1000 };

/** The problems as messages, or the data. */
function parse(text: string, limits = LIMITS): string[] | unknown {
  const parsed = parseYaml(text, 'f.yaml', limits);
  return 'issues' in parsed ? parsed.issues.map(formatIssue) : parsed.data;
}

describe('parseYaml', () => {
  it('gives the data and where each field is written', () => {
    const parsed = parseYaml('a:\n  b: [1, 2]\n', 'f.yaml', LIMITS);
    expect('data' in parsed && parsed.data).toEqual({ a: { b: [1, 2] } });
    expect('source' in parsed && parsed.source.locate(['a', 'b', 1])).toEqual({ line: 2, column: 10 });
  });

  it('locates YAML errors where the parser found them (they were all at 1:1)', () => {
    expect(parse('a: 1\nb: [1, 2\nc: 3\n')).toEqual([expect.stringMatching(/^f\.yaml:[34]:\d+: expected valid YAML, found an error: /)]);
    expect(parse('a:\n  - b\n  c: 1\n')).toEqual([expect.stringMatching(/^f\.yaml:3:\d+: expected valid YAML/)]);
    expect(parse('a: 1\n---\nb: 2\n')).toEqual(['f.yaml:2:1: expected one YAML document, found a second one (`---`)']);
  });

  it('names a key written twice at its second place', () => {
    expect(parse('a: 1\nb:\n  c: 1\n  c: 2\n')).toEqual(['f.yaml:4:3: expected unique keys, found `c` twice in one mapping']);
    // A list's single-pair items are mappings of their own.
    expect(parse('a: [c: 1, c: 2]\n')).toEqual({ a: [{ c: 1 }, { c: 2 }] });
  });

  it('stops the parser at the first level past the bound, in flow and in block nesting', () => {
    expect(parse(`a: ${'['.repeat(200_000)}`)).toEqual(['f.yaml:1:67: expected a file, found nesting deeper than 64 levels']);
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}- \n`).join('');
    expect(parse(block)).toEqual([expect.stringMatching(/^f\.yaml:6\d:\d+: expected a file, found nesting deeper than 64 levels$/)]);
    expect(parse(`a: ${'['.repeat(63)}${']'.repeat(63)}\n`)).toEqual({ a: expect.any(Array) });
  });

  it('follows aliases for depth: nesting made of aliases is nesting', () => {
    const level = (n: number, inner: string) => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
    expect(parse(`a: &a ${level(40, '1')}\nb: ${level(30, '*a')}\n`)).toEqual([
      expect.stringMatching(/^f\.yaml:2:34: expected a file, found nesting deeper than 64 levels$/),
    ]);
  });

  it('refuses aliases that expand past the bound, at the alias that crosses it: billion laughs and one wide anchor', () => {
    const laughs = [
      'a: &a [x,x,x,x,x,x,x,x,x,x]',
      ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(',')}]`),
      `g: [${Array(10).fill('*f').join(',')}]`,
    ].join('\n');
    expect(parse(laughs)).toEqual([
      expect.stringMatching(
        /^f\.yaml:3:\d+: expected a file whose aliases expand to at most 1,000 values in all \(what the largest file holds without them\), found `\*b` taking it past that/,
      ),
    ]);
    const wide = `list: &l [${Array(300).fill(1).join(',')}]\nuses: [*l, *l, *l, *l]\n`;
    expect(parse(wide)).toEqual([
      'f.yaml:2:16: expected a file whose aliases expand to at most 1,000 values in all (what the largest file holds without them), found `*l` taking it past that (an alias bomb?)',
    ]);
  });

  it("applies the yaml package's alias count (an anchor and its aliases 100 times) where the expansion stays small", () => {
    expect(parse(`a: &s x\nb: [${Array(100).fill('*s').join(', ')}]\n`)).toEqual([
      expect.stringMatching(/^f\.yaml:2:5: expected a file without alias explosions, found Excessive alias count/),
    ]);
    expect(parse(`a: &s x\nb: [${Array(99).fill('*s').join(', ')}]\n`)).toMatchObject({ a: 'x' });
  });

  it('refuses an alias inside its own anchor (circular data) and an alias with no anchor', () => {
    expect(parse('a: &a { b: [1, *a] }\n')).toEqual([
      'f.yaml:1:16: expected a file whose aliases name finished values, found `*a` inside `&a` itself (the data would be circular)',
    ]);
    expect(parse('a: *nope\n')).toEqual(['f.yaml:1:4: expected an anchor `&nope` before its alias, found `*nope` with none']);
  });
});
