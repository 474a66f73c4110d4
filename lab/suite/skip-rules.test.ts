/**
 * Which cases a matrix makes and where they run: `exclude` drops combinations, `skip` and `only` keep the
 * case (its id stays) but skip it for the parameter values and targets they name.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSuite } from './expand.js';
import { loadSuite } from './load-suite.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-skip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = "suite: t\ndriver: { image: x.sys, device: 'd' }\nioctls:\n  GET: { function: 1 }\ncases:\n";
const WINE = { kind: 'wine', name: 'wine' };
const BOX = { kind: 'ssh', name: 'win11-box' };

async function cases(body: string, target?: { kind: string; name: string }) {
  const file = join(dir, `s${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(file, HEAD + body);
  return expandSuite(await loadSuite(file), target ? { target } : {}).cases.map((c) => [c.id, c.skip ?? null]);
}

const MATRIX = '    matrix:\n      code: [BUFFERED, NEITHER]\n      len: [0, 8]\n';
const STEPS = '    steps:\n      - ioctl: GET\n';

describe('exclude', () => {
  it('drops the combinations it lists, by value or condition, and only those', async () => {
    const got = await cases(
      `  - name: c\n${MATRIX}    exclude:\n      - { code: NEITHER, len: 0 }\n      - { len: { min: 8 }, code: BUFFERED }\n${STEPS}`,
      WINE,
    );
    expect(got).toEqual([
      ['t/c[code=BUFFERED,len=0]', null],
      ['t/c[code=NEITHER,len=8]', null],
    ]);
  });
});

describe('skip and only', () => {
  it('skip: { when, on, reason } skips the combinations it matches on the targets it names', async () => {
    const body = `  - name: c\n${MATRIX}    skip: { when: { code: NEITHER }, on: [wine], reason: no MDL mapping }\n${STEPS}`;
    expect(await cases(body, WINE)).toEqual([
      ['t/c[code=BUFFERED,len=0]', null],
      ['t/c[code=BUFFERED,len=8]', null],
      ['t/c[code=NEITHER,len=0]', 'no MDL mapping'],
      ['t/c[code=NEITHER,len=8]', 'no MDL mapping'],
    ]);
    // On another target, by kind or by inventory name, nothing is skipped.
    expect((await cases(body, BOX)).every(([, skip]) => skip === null)).toBe(true);
  });

  it('takes a list of rules (the first that holds gives the reason), target names, and rules without `on`', async () => {
    const body = `  - name: c\n${MATRIX}    skip:\n      - { when: { len: 0 }, reason: empty }\n      - { on: [win11-box], reason: that box }\n${STEPS}`;
    expect((await cases(body, BOX)).map(([, s]) => s)).toEqual(['empty', 'that box', 'empty', 'that box']);
    expect((await cases(body, WINE)).map(([, s]) => s)).toEqual(['empty', null, 'empty', null]);
  });

  it('keeps the older forms: a reason for everywhere, and target → reason', async () => {
    expect(await cases(`  - name: a\n    skip: never\n${STEPS}`, WINE)).toEqual([['t/a', 'never']]);
    expect(await cases(`  - name: a\n    skip: { wine: no wine }\n${STEPS}`, WINE)).toEqual([['t/a', 'no wine']]);
    expect(await cases(`  - name: a\n    skip: { wine: no wine }\n${STEPS}`, BOX)).toEqual([['t/a', null]]);
  });

  it('only: runs where an entry holds and skips elsewhere, with its reason or a made-up one', async () => {
    const withReason = `  - name: c\n${MATRIX}    only: { on: [ssh, hyperv], reason: needs a Windows kernel }\n${STEPS}`;
    expect((await cases(withReason, WINE)).map(([, s]) => s)).toEqual(Array(4).fill('needs a Windows kernel'));
    expect((await cases(withReason, BOX)).map(([, s]) => s)).toEqual(Array(4).fill(null));
    const made = `  - name: c\n${MATRIX}    only:\n      - { when: { code: BUFFERED } }\n      - { when: { len: 8 }, on: [ssh] }\n${STEPS}`;
    expect((await cases(made, WINE)).map(([, s]) => s)).toEqual([
      null,
      null,
      'runs only when code is "BUFFERED", or on ssh when len is 8',
      'runs only when code is "BUFFERED", or on ssh when len is 8',
    ]);
    expect((await cases(made, BOX)).map(([, s]) => s)).toEqual([null, null, 'runs only when code is "BUFFERED", or on ssh when len is 8', null]);
  });

  it('without a target, skips nothing for an `on` it cannot judge', async () => {
    const body = `  - name: c\n    skip: { on: [wine], reason: r }\n    only: { on: [ssh] }\n${STEPS}`;
    expect(await cases(body)).toEqual([['t/c', null]]);
  });
});
