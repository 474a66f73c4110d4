import { describe, expect, it } from 'vitest';
import { formatIssue } from './file-issue.js';
import { parseJson } from './parse-json.js';

const LIMITS = { noun: 'report.json as lab writes it', maxDepth: 64 };

function parse(text: string, firstLine = 1): string | unknown {
  const parsed = parseJson(text, 'r.json', LIMITS, firstLine);
  return 'issue' in parsed ? formatIssue(parsed.issue) : parsed.data;
}

describe('parseJson', () => {
  it('gives the data', () => {
    expect(parse('{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
  });

  it('says where the text stops being JSON, as V8 reports it (its words vary by version)', () => {
    expect(parse('{\n  "a": 1,\n  nope\n}')).toMatch(/^r\.json:3:3: expected report\.json as lab writes it, found text that is not JSON \(.+\)$/);
    expect(parse('')).toMatch(/^r\.json:1:1: expected report\.json as lab writes it, found text that is not JSON \(Unexpected end of JSON input\)$/);
    // A line of a JSON Lines file is counted from its place in the file.
    expect(parse('[1] x', 7)).toMatch(/^r\.json:7:5: expected report\.json as lab writes it, found text that is not JSON \(.+\)$/);
  });

  it('refuses nesting past the bound at the bracket that opens the level too many, strings skipped', () => {
    expect(parse(`{"s": "[[[{\\"", "x":\n ${'['.repeat(200_000)}${']'.repeat(200_000)}}`)).toBe(
      'r.json:2:65: expected report.json as lab writes it, found nesting deeper than 64 levels',
    );
    expect(parse(`${'['.repeat(64)}${']'.repeat(64)}`)).toEqual(expect.any(Array));
  });
});
