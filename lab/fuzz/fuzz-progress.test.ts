import { afterEach, describe, expect, it, vi } from 'vitest';
import { FuzzProgress } from './fuzz-progress.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('fuzz progress', () => {
  it('in CI: plain lines, a status line every 10 s, never a redraw', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const p = new FuzzProgress({ live: false, write: (t) => out.push(t) });
    p.searchBegan(30_000);
    p.update(100, 3, 0);
    expect(out).toEqual([]);
    vi.advanceTimersByTime(10_000);
    p.update(50_000, 2176, 1);
    expect(out).toEqual(['lab fuzz: 50,000 calls (5,000/s) · 2,176 codes · 1 finding · 20 s left\n']);
    p.line('  ✗ crash: \u001b]0;owned\u0007 at objdev.sys+0x10');
    p.searchEnded();
    p.searchEnded();
    expect(out.join('')).not.toMatch(/\r|\u001b/);
    expect(out[1]).toBe('  ✗ crash: \\x1b]0;owned\\x07 at objdev.sys+0x10\n');
    expect(out.filter((l) => l.startsWith('lab fuzz: 50,000 calls'))).toHaveLength(2);
  });

  it('on a terminal: one status line redrawn in place, cleared before any other line', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const p = new FuzzProgress({ live: true, write: (t) => out.push(t) });
    p.searchBegan();
    vi.advanceTimersByTime(300);
    p.update(10, 1, 0);
    vi.advanceTimersByTime(250);
    expect(out.at(-1)).toMatch(/^\r\u001b\[2Klab fuzz: 10 calls \(\d+\/s\) · 1 codes? · 0 findings$/);
    p.line('lab fuzz: shrinking');
    expect(out.slice(-3, -1)).toEqual(['\r\u001b[2K', 'lab fuzz: shrinking\n']);
    p.searchEnded();
    expect(out.at(-1)).toMatch(/^lab fuzz: 10 calls .*\n$/);
  });
});
