import { describe, expect, it } from 'vitest';
import { PrintJoiner } from './print-lines.js';

describe('PrintJoiner', () => {
  it('joins calls without a trailing newline into one line, as DbgView shows them', () => {
    const j = new PrintJoiner();
    expect(j.push({ pid: 7, text: 'one ', bytes: 4 })).toEqual([]);
    expect(j.push({ pid: 7, text: 'line in ', bytes: 8 })).toEqual([]);
    expect(j.push({ pid: 7, text: 'three calls\n', bytes: 12 })).toEqual([{ pid: 7, text: 'one line in three calls' }]);
  });

  it("splits one call at its newlines, and keeps each host's unfinished line apart", () => {
    const j = new PrintJoiner();
    expect(j.push({ pid: 1, text: 'a\nwine: Unhandled page fault\nrest', bytes: 32 })).toEqual([
      { pid: 1, text: 'a' },
      { pid: 1, text: 'wine: Unhandled page fault' },
    ]);
    expect(j.push({ pid: 2, text: 'other\r\n', bytes: 7 })).toEqual([{ pid: 2, text: 'other' }]);
    expect(j.flush()).toEqual([{ pid: 1, text: 'rest' }]);
    expect(j.flush()).toEqual([]);
  });

  it('marks a call cut at 512 bytes and ends its line there', () => {
    const j = new PrintJoiner();
    const shown = 'x'.repeat(512);
    expect(j.push({ pid: 3, text: shown, bytes: 600 })).toEqual([
      { pid: 3, text: `${shown} [cut at 512 bytes, as Windows cuts a DbgPrint: it printed 600 bytes]` },
    ]);
    expect(j.push({ pid: 3, text: shown, atLeast: 1024 })).toEqual([
      { pid: 3, text: `${shown} [cut at 512 bytes, as Windows cuts a DbgPrint: it printed over 1023 bytes]` },
    ]);
    expect(j.push({ pid: 3, text: 'next\n', bytes: 5 })).toEqual([{ pid: 3, text: 'next' }]);
  });
});
