import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/lab-error.js';
import { parseBudget, parseDuration, parseRanges, parseSeed } from './fuzz-flags.js';

describe('lab fuzz flags', () => {
  it('take a budget of time or of calls', () => {
    expect(parseBudget('60s')).toEqual({ kind: 'time', ms: 60_000 });
    expect(parseBudget('2m')).toEqual({ kind: 'time', ms: 120_000 });
    expect(parseBudget('1500ms')).toEqual({ kind: 'time', ms: 1500 });
    expect(parseBudget('100000 calls')).toEqual({ kind: 'calls', calls: 100_000 });
    expect(parseBudget('5000calls')).toEqual({ kind: 'calls', calls: 5000 });
  });

  it('refuse what they cannot read, naming the flag and what it takes', () => {
    for (const bad of ['', '60', 'forever', '0s', '-5s', '0 calls', '1e3 calls']) {
      expect(() => parseBudget(bad)).toThrowError(UsageError);
      expect(() => parseBudget(bad)).toThrowError(/--budget .*expected a time such as 60s/);
    }
    expect(() => parseDuration('--shrink-time', 'soon')).toThrowError(/--shrink-time soon: expected a time/);
  });

  it('read code ranges and seeds, decimal or hex', () => {
    expect(parseRanges('--functions', '0x800-0x8FF,0x900, 12', 0xfff)).toEqual([
      [0x800, 0x8ff],
      [0x900, 0x900],
      [12, 12],
    ]);
    expect(() => parseRanges('--functions', '0x900-0x800', 0xfff)).toThrowError(/"0x900-0x800" is not one/);
    expect(() => parseRanges('--functions', '0x1000', 0xfff)).toThrowError(/from 0 to 0xFFF/);
    expect(parseSeed('7')).toBe(7);
    expect(parseSeed('0xFFFFFFFF')).toBe(0xffffffff);
    expect(() => parseSeed('4294967296')).toThrowError(/--seed 4294967296: expected a whole number from 0 to 4294967295/);
    expect(() => parseSeed('-1')).toThrowError(UsageError);
  });
});
