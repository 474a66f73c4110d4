import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCase } from '../testing/report-fixtures.js';
import { loadWaivers } from './load-waivers.js';
import { daysSince, isExpired, utcDay } from './waiver.js';
import { expiredMessage, realStatus, unwaived, WaiverBook } from './waiver-book.js';
import { WaiversError } from './waivers-error.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('waivers');
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function problems(text: string): Promise<string[]> {
  const path = await file(`bad-${Math.random().toString(36).slice(2)}.yaml`, text);
  try {
    await loadWaivers(path);
  } catch (error) {
    expect(error).toBeInstanceOf(WaiversError);
    expect((error as WaiversError).exitCode).toBe(2);
    expect((error as WaiversError).code).toBe('LAB_WAIVERS_INVALID');
    return (error as Error).message.split('\n').map((l) => l.replace(/^\S*bad-[a-z0-9]+\.yaml:/, 'F:'));
  }
  throw new Error('expected the waivers file to be rejected');
}

describe('the waivers file', () => {
  it('reads ids, globs and regular expressions with reason, link, expiry and the statuses they cover', async () => {
    const path = await file(
      'ok.yaml',
      [
        'waivers:',
        '  - case: echo/reflect-length[len=1023]',
        '    reason: off by one, being fixed',
        '    link: https://bugs.example.com/17',
        '    expires: 2026-12-31',
        "  - pattern: 'echo/read-*[n=1024*'",
        '    reason: known',
        '    expires: 2026-12-31',
        '    status: [failed, crashed]',
        "  - pattern: '/^echo\\/concurrent-.*$/'",
        '    reason: Wine serialises IRPs',
        '    expires: 2027-01-01',
        '    status: hung',
      ].join('\n'),
    );
    const { waivers } = await loadWaivers(path);
    expect(waivers.map((w) => [w.match, w.statuses])).toEqual([
      ['echo/reflect-length[len=1023]', ['failed']],
      ['echo/read-*[n=1024*', ['failed', 'crashed']],
      ['/^echo\\/concurrent-.*$/', ['hung']],
    ]);
    expect(waivers[0]!.source).toMatch(/ok\.yaml:2:5$/);
    expect(waivers[0]!.matches('echo/reflect-length[len=1023]')).toBe(true);
    expect(waivers[0]!.matches('echo/reflect-length[len=10234]')).toBe(false);
    // Globs cover the whole id; brackets in ids are literal.
    expect(waivers[1]!.matches('echo/read-around[n=1024,delta=0]')).toBe(true);
    expect(waivers[1]!.matches('other/echo/read-around[n=1024]')).toBe(false);
    expect(waivers[2]!.matches('echo/concurrent-reads')).toBe(true);
  });

  it('names file:line:column, the field, what was expected and what was found', async () => {
    expect(await problems('waivers:\n  - case: a\n    reason: r\n    expires: 2026-02-30\n')).toEqual([
      'F:4:14: waivers[0].expires: expected a date as YYYY-MM-DD (the last day the waiver holds), found "2026-02-30"',
    ]);
    expect(await problems('waivers:\n  - case: a\n    reason: r\n    expire: 2026-02-01\n')).toEqual([
      'F:2:5: waivers[0].expires: expected a string, found nothing',
      'F:4:5: waivers[0].expire: unknown field `expire`; did you mean `expires`?',
    ]);
    expect(await problems('waivers:\n  - case: a\n    pattern: b\n    reason: r\n    expires: 2026-02-01\n')).toEqual([
      'F:2:5: waivers[0]: expected exactly one of `case` (a case id) and `pattern` (a glob or /regex/ over case ids), found both',
    ]);
    expect((await problems("waivers:\n  - pattern: '/(/'\n    reason: r\n    expires: 2026-02-01\n"))[0]).toMatch(
      /^F:2:14: waivers\[0\]\.pattern: expected a valid regular expression/,
    );
    expect(await problems("waivers:\n  - case: a\n    reason: r\n    link: 'javascript:alert(1)'\n    expires: 2026-02-01\n")).toEqual([
      'F:4:11: waivers[0].link: expected an http:// or https:// link, found "javascript:alert(1)"',
    ]);
    expect((await problems('waivers:\n  - case: a\n    reason: r\n    expires: 2026-02-01\n    status: passed\n'))[0]).toMatch(
      /^F:5:13: waivers\[0\]\.status: expected /,
    );
    expect((await problems('waivers:\n  - case: a\n    reason: "  "\n    expires: 2026-02-01\n'))[0]).toMatch(
      /^F:3:13: waivers\[0\]\.reason: expected at least 1/,
    );
    expect((await problems('waivers: [\n'))[0]).toMatch(/^F:\d+:\d+: expected valid YAML/);
    expect(await problems('')).toEqual(['F:1:1: expected a mapping with a `waivers` list, found an empty document']);
  });

  it('a missing file is a usage error that says so', async () => {
    await expect(loadWaivers(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'LAB_WAIVERS_NOT_FOUND', exitCode: 2 });
  });
});

describe('expiry', () => {
  it('holds through its last day (UTC) and is expired from the day after, counting the days since', () => {
    expect(isExpired({ expires: '2026-11-24' }, '2026-11-24')).toBe(false);
    expect(isExpired({ expires: '2026-11-24' }, '2026-11-25')).toBe(true);
    expect(daysSince('2026-11-24', '2026-11-25')).toBe(1);
    expect(daysSince('2025-12-31', '2026-03-01')).toBe(60);
    expect(utcDay(new Date('2026-11-24T23:59:59-05:00'))).toBe('2026-11-25');
  });
});

describe('applying waivers', () => {
  it('waives what a live waiver covers, keeps what the case really was, and lists expired and unused waivers', async () => {
    const path = await file(
      'apply.yaml',
      [
        'waivers:',
        '  - { case: echo/a, reason: known a, expires: 2026-12-31 }',
        '  - { case: echo/b, reason: old, expires: 2026-11-01 }',
        '  - { pattern: echo/c*, reason: wrong answers only, expires: 2026-12-31 }',
        '  - { case: echo/never, reason: fixed long ago, expires: 2026-12-31 }',
      ].join('\n'),
    );
    const book = new WaiverBook(await loadWaivers(path), '2026-11-24');
    const a = book.apply(aCase('echo/a', 'failed'));
    expect(a).toMatchObject({ status: 'waived', waiver: { status: 'failed', reason: 'known a', expires: '2026-12-31', match: 'echo/a' } });
    expect(realStatus(a)).toBe('failed');
    expect(unwaived(a)).toMatchObject({ status: 'failed' });
    expect(unwaived(a).waiver).toBeUndefined();
    expect(book.apply(a)).toBe(a);
    // Expired: no longer waives.
    expect(book.apply(aCase('echo/b', 'failed')).status).toBe('failed');
    // A waiver for wrong answers does not hide a crash.
    expect(book.apply(aCase('echo/c1', 'crashed')).status).toBe('crashed');
    expect(book.apply(aCase('echo/c2', 'failed')).status).toBe('waived');
    // Passing cases stay passing.
    expect(book.apply(aCase('echo/a', 'passed')).status).toBe('passed');
    expect(book.expired()).toEqual([{ match: 'echo/b', source: expect.stringMatching(/apply\.yaml:3:5$/), expires: '2026-11-01', reason: 'old', daysAgo: 23 }]);
    expect(book.unused().map((u) => u.match)).toEqual(['echo/never']);
    expect(expiredMessage(book.expired()[0]!)).toMatch(
      /^waiver `echo\/b` \(.*apply\.yaml:3:5\) expired: its last day was 2026-11-01, 23 days ago \(old\)\. Fix: renew `expires`/,
    );
  });
});
