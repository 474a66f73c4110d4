import { describe, expect, it } from 'vitest';
import { DebugStream } from './debug-stream.js';

const marker = (edge: 'begin' | 'end', index: number) => ({ timeMs: 0, source: 'user' as const, pid: 32, text: `lab: case-${edge} ${index} s/c${index}` });
const print = (text: string) => ({ timeMs: 0, source: 'kernel' as const, text });
const texts = (lines: string[]) => lines.map((l) => l.split('\t').slice(2).join('\t'));

describe('DebugStream', () => {
  it('a case run again after a crash cut its session short keeps only the attempt that counted', () => {
    const stream = new DebugStream();
    stream.newSession();
    stream.push(marker('begin', 3));
    stream.push(print('first attempt: the host is dying'));
    stream.newSession();
    stream.push(marker('begin', 3));
    stream.push(print('second attempt'));
    stream.push(marker('end', 3));
    expect(texts(stream.take(3).lines().lines)).toEqual(['[32] lab: case-begin 3 s/c3', 'second attempt', '[32] lab: case-end 3 s/c3']);
  });
});
