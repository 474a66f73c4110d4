import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineSplitter, readLines } from './line-splitter.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops empty lines', () => {
    const s = new LineSplitter();
    expect(s.push('{"a"')).toEqual([]);
    expect(s.push(':1}\n\n{"b":2}\r\n{"c"')).toEqual(['{"a":1}', '{"b":2}\r']);
    expect(s.push(':3}\r')).toEqual([]);
    expect(s.push('\n\r\n')).toEqual(['{"c":3}\r']);
    expect(s.end()).toBeNull();
  });

  it('decodes UTF-8 split inside a character', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('é\n', 'utf8');
    expect(s.push(bytes.subarray(0, 1))).toEqual([]);
    expect(s.push(bytes.subarray(1))).toEqual(['é']);
  });

  it('hands out an unterminated last piece at the end', () => {
    const s = new LineSplitter();
    s.push('{"t":"end"}\n{"t":"ca');
    expect(s.end()).toBe('{"t":"ca');
    expect(s.end()).toBeNull();
  });

  it('assembles a 16 MiB line from 64 KiB chunks', () => {
    const s = new LineSplitter();
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 256; i++) expect(s.push(chunk)).toEqual([]);
    const [line, next] = s.push('\n{"t":"end","cases":0}\n');
    expect(line?.length).toBe(16 * 1024 * 1024);
    expect(next).toBe('{"t":"end","cases":0}');
  });
});

describe('readLines', () => {
  it('reads a stream to lines, the unterminated last one included', async () => {
    const lines: string[] = [];
    for await (const line of readLines(Readable.from([Buffer.from('a\nb'), Buffer.from('c\n\nd')]))) lines.push(line);
    expect(lines).toEqual(['a', 'bc', 'd']);
  });
});

describe('LineSplitter bounds', () => {
  it('cuts a line longer than its bound and marks it, holding no more than the bound', () => {
    const s = new LineSplitter(1000);
    const chunk = 'x'.repeat(64 * 1024);
    // 64 MiB without a newline, as a client's stderr might send it.
    for (let i = 0; i < 1024; i++) expect(s.push(chunk)).toEqual([]);
    const [line, next] = s.push('\nnext line\n');
    expect(line).toBe(`${'x'.repeat(1000)} [lab: line cut here; ${64 * 1024 * 1024 - 1000} more characters not kept]`);
    expect(next).toBe('next line');
    expect(s.end()).toBeNull();
  });

  it('cuts an unterminated last piece the same way', () => {
    const s = new LineSplitter(4);
    expect(s.push('abcdefgh')).toEqual([]);
    expect(s.end()).toBe('abcd [lab: line cut here; 4 more characters not kept]');
  });

  it('bounds every line by default, at a size no protocol line reaches', () => {
    const s = new LineSplitter();
    const big = 'y'.repeat(17 * 1024 * 1024);
    expect(s.push(big)).toEqual([]);
    expect(s.push('\n')[0]!.length).toBeLessThan(17 * 1024 * 1024);
  });
});
