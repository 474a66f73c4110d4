import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalog, type Mutant } from '../mutate/catalog.js';
import type { RunReport } from '../report/run-report.js';
import { TerminalReporter } from '../reporters/terminal.js';
import type { CaseResult } from '../verdict/case-result.js';
import { tempDir } from '../testing/temp-dir.js';
import { lab, notPassed, readReport, ROOT } from './run-lab.js';

/**
 * Every mutant of driver/kernel/mutants.json, run once: `lab mutate suites/echo.yaml` under real Wine runs the
 * suite against the driver and against each mutant, and every assertion about the mutants reads that one
 * run: the kill matrix, what the echo suite reports against the original demo's defects, and, row by row
 * of the objdev contract, where each mutant's answers differ from the correct driver's.
 */
let out: string;
let mutate: Awaited<ReturnType<typeof lab>>;
let catalog: Mutant[];
const reports = new Map<string, RunReport>();

beforeAll(async () => {
  out = join(await tempDir('mutate'), 'm');
  mutate = await lab(['mutate', 'suites/echo.yaml', '--out', out], { timeoutMs: 400_000 });
  catalog = await readCatalog(join(ROOT, 'driver'));
  reports.set('correct', await readReport(join(out, 'driver')));
  for (const m of catalog) reports.set(m.name, await readReport(join(out, 'mutants', m.name)));
}, 420_000);

const run = (name: string): RunReport => {
  const r = reports.get(name);
  if (!r) throw new Error(`no run for ${name}: ${mutate.stdout}\n${mutate.stderr}`);
  return r;
};
const caseOf = (r: RunReport, id: string): CaseResult => {
  const c = r.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const debug = (r: RunReport, id: string) => caseOf(r, id).log?.debug.join('\n') ?? '';

/** Rows of the contract, as the echo suite asks them: [case id, step index] (step 0 is the implicit open). */
const ROW = {
  reflect1023: ['echo/reflect-length-at-the-buffer-boundary[len=1023]', 2],
  readAfter1023: ['echo/reflect-length-at-the-buffer-boundary[len=1023]', 3],
  reflect1025: ['echo/reflect-length-at-the-buffer-boundary[len=1025]', 2],
  readNuls: ['echo/payload-round-trip[payload=embedded-nuls]', 2],
  readShort: ['echo/read-around-the-stored-length[n=11,delta=-1]', 2],
  unknown803: ['echo/unknown-ioctl[code=FUNCTION_803]', 2],
  readText: ['echo/payload-round-trip[payload=text]', 2],
  read65536: ['echo/read-with-fixed-output-lengths[out=65536]', 2],
} as const;
type Row = keyof typeof ROW;

/** A step's answer as `e=<error> n=<bytes> o=<hex>`, or the case's status when it never got there. */
function at(r: RunReport, row: Row): string {
  const [id, index] = ROW[row];
  const c = caseOf(r, id);
  const s = c.steps[index];
  return s ? `e=${s.error} n=${s.bytesReturned} o=${s.output ?? ''}` : `(${c.status})`;
}
const errorAt = (r: RunReport, row: Row) => caseOf(r, ROW[row][0]).steps[ROW[row][1]]?.error;
const hex = (text: string) => Buffer.from(text).toString('hex');

describe('lab mutate suites/echo.yaml', () => {
  it('kills every mutant Wine can observe, says why the others cannot be, and exits 0', async () => {
    expect(mutate.exitCode).toBe(0);
    const m = JSON.parse(await readFile(join(out, 'mutation.json'), 'utf8')) as {
      score: number;
      mutants: Array<{ name: string; fate: string; why?: string; killedBy: Array<{ id: string }> }>;
    };
    expect(m.mutants.map((x) => x.name).sort()).toEqual(catalog.map((x) => x.name).sort());
    for (const entry of catalog) {
      const row = m.mutants.find((x) => x.name === entry.name)!;
      expect(row.fate, entry.name).toBe(entry.observableOn.includes('wine') ? 'killed' : 'not-observable');
    }
    expect(m.score).toBe(1);
    expect(m.mutants.find((x) => x.name === 'crash-on-length')!.killedBy.map((k) => k.id)).toEqual(['echo/reflect-length[len=666]']);
    expect(mutate.stdout).toMatch(/Mutation score of echo on wine: 100%/);
  });
});

/** Original-demo defects: the suite must fail exactly the cases each defect touches, and name why. */
describe('the echo suite against original-demo mutants', () => {
  it('limit-off-by-one (REFLECT rejects 1023 and 1024 bytes) fails exactly the cases storing 1023 or 1024 bytes', () => {
    const report = run('limit-off-by-one');
    expect(report.status).toBe('failed');
    expect(notPassed(report)).toEqual([
      'echo/reflect-length-at-the-buffer-boundary[len=1023]',
      'echo/reflect-length-at-the-buffer-boundary[len=1024]',
      'echo/read-around-the-stored-length[n=1024,delta=-1]',
      'echo/read-around-the-stored-length[n=1024,delta=0]',
      'echo/read-around-the-stored-length[n=1024,delta=1]',
      'echo/payload-round-trip[payload=all-bytes-x4]',
      'echo/payload-round-trip[payload=random-seed-1]',
      'echo/concurrent-reflect-and-read-on-one-handle',
    ]);
    const at1023 = caseOf(report, 'echo/reflect-length-at-the-buffer-boundary[len=1023]');
    expect(at1023).toMatchObject({ status: 'failed', blame: 'product' });
    expect(at1023.message).toMatch(/REFLECT: expected error 0 \(ERROR_SUCCESS\), got 87 \(ERROR_INVALID_PARAMETER\)/);
    // What `lab run` prints in CI for these results.
    let printed = '';
    const terminal = new TerminalReporter({ live: false, write: (text) => (printed += text) });
    for (const c of report.cases) terminal.onCaseEnd(c);
    expect(printed).toMatch(/✗ failed {2}echo\/reflect-length-at-the-buffer-boundary\[len=1023\]/);
  });

  it('wrong-error-codes (87 for unknown IOCTLs and short READs) fails exactly those cases', () => {
    const report = run('wrong-error-codes');
    expect(report.status).toBe('failed');
    expect(notPassed(report)).toEqual([
      'echo/read-around-the-stored-length[n=11,delta=-1]',
      'echo/read-around-the-stored-length[n=1024,delta=-1]',
      'echo/read-with-fixed-output-lengths[out=0]',
      'echo/read-with-fixed-output-lengths[out=1]',
      ...['FUNCTION_800', 'FUNCTION_803', 'REFLECT_AS_NEITHER', 'READ_AS_OUT_DIRECT', 'REFLECT_ANY_ACCESS', 'OTHER_DEVICE_TYPE'].map(
        (c) => `echo/unknown-ioctl[code=${c}]`,
      ),
    ]);
    expect(caseOf(report, 'echo/unknown-ioctl[code=FUNCTION_800]').message).toMatch(/expected error 1 \(ERROR_INVALID_FUNCTION\), got 87/);
  });

  it('a driver that crashes on one length: that case is crashed with a backtrace, every other case passes', () => {
    const report = run('crash-on-length');
    expect(report.status).toBe('failed');
    expect(notPassed(report)).toEqual(['echo/reflect-length[len=666]']);
    const crashed = report.cases.find((c) => c.status === 'crashed')!;
    expect(crashed.blame).toBe('product');
    expect(crashed.message).toMatch(/^the driver crashed during this case: page fault on write access to 0x0 at crash-on-length\.sys\+0x[0-9a-f]+$/);
    expect(crashed.evidence?.signature).toMatch(/^page fault on write access to 0x0 at crash-on-length\.sys\+0x[0-9a-f]+$/);
    // Named from the debug information the build keeps beside the image.
    expect(crashed.evidence?.backtrace).toMatch(/^ {2}0 {2}crash-on-length\.sys\+0x[0-9a-f]+ +fault_on_length {2}driver\/kernel\/ioctl\.c:\d+$/m);
    expect(crashed.evidence?.lastLines.join('\n')).toMatch(/lab: case-begin \d+ echo\/reflect-length\[len=666\]/);
    // The cases after it ran again on a clean target: each keeps the debug lines of the attempt that counted.
    for (const c of report.cases) expect(c.log?.debug.filter((l) => / lab: case-begin /.test(l))).toHaveLength(1);
    // The time it ran until the host ended, not its timeout (the suite's 10,000 ms).
    expect(crashed.durationMs).toBeLessThan(10_000);
  });

  it('a driver that hangs on one length: that case is hung, every other case passes, the run ends', () => {
    const report = run('hang-on-length');
    expect(report.status).toBe('failed');
    expect(notPassed(report)).toEqual(['echo/reflect-length[len=777]']);
    const hung = report.cases.find((c) => c.status === 'hung')!;
    expect(hung.message).toMatch(/no result within 10000 ms/);
    // The 6-byte REFLECT before it answered; the 777-byte one never returned to log its line.
    expect(hung.log?.debug.at(-1)).toMatch(/\tobjdev: IOCTL REFLECT in=6 out=0 status=0x00000000 info=0$/);
  });
});

/** Row by row of the contract: where each mutant answers differently from the correct driver, and how. */
describe('each mutant against the correct driver', () => {
  it('the correct driver answers every row as CONTRACT.md says (the baseline the mutants are compared to)', () => {
    const c = run('correct');
    expect(notPassed(c)).toEqual([]);
    expect(at(c, 'reflect1023')).toBe('e=0 n=0 o=');
    expect(at(c, 'readAfter1023')).toBe(`e=0 n=1023 o=${'5a'.repeat(1023)}`);
    expect(at(c, 'reflect1025')).toBe('e=87 n=0 o=');
    expect(at(c, 'readNuls')).toBe('e=0 n=10 o=61620063640000656600');
    expect(at(c, 'readShort')).toBe('e=122 n=0 o=');
    expect(at(c, 'unknown803')).toBe('e=1 n=0 o=');
    expect(at(c, 'readText')).toBe(`e=0 n=44 o=${hex('The quick brown fox jumps over the lazy dog.')}`);
    expect(at(c, 'read65536')).toMatch(/^e=0 n=100 o=[0-9a-f]{200}$/);
    expect(debug(c, 'echo/second-instance-is-refused')).toContain('objdev: DriverEntry status=0xC0000035');
  });

  it('every mutant built and loaded: the first case opened its device', () => {
    for (const m of catalog) expect(caseOf(run(m.name), 'echo/seed-exchange').steps[0], m.name).toMatchObject({ kind: 'open', error: 0 });
  });

  it('limit-off-by-one differs on "REFLECT L <= 1024": 1023 bytes are rejected with 87 and never stored', () => {
    const r = run('limit-off-by-one');
    expect(at(r, 'reflect1023')).toBe('e=87 n=0 o=');
    expect(at(r, 'readAfter1023')).toBe(`e=0 n=6 o=${hex('before')}`); // the message before it stays
  });

  it('read-overread differs on "READ O >= N: exactly N bytes copied": O = 65536 kills the driver host', () => {
    const r = run('read-overread');
    expect(at(r, 'readAfter1023')).toBe(at(run('correct'), 'readAfter1023')); // within the 1024-byte global it looks right
    expect(notPassed(r)).toEqual([ROW.read65536[0]]);
    expect(caseOf(r, ROW.read65536[0]).evidence?.signature).toMatch(/^page fault on read access to 0x[0-9a-f]+ at /);
  });

  it('strlen-truncation differs on "binary-safe": a message with NULs comes back cut at the first NUL', () => {
    const r = run('strlen-truncation');
    expect(at(r, 'readNuls')).toBe('e=0 n=2 o=6162');
    expect(at(r, 'readText')).toBe(at(run('correct'), 'readText')); // text survives
  });

  it('status-mismatch differs on "dispatch returns IoStatus.Status": rejected requests look successful', () => {
    const r = run('status-mismatch');
    // Only the error is asserted: Wine then leaves the caller's byte count unset.
    expect(errorAt(r, 'reflect1025')).toBe(0);
    expect(errorAt(r, 'readShort')).toBe(0);
    expect(errorAt(r, 'unknown803')).toBe(0);
    expect(debug(r, ROW.reflect1025[0])).toContain('objdev: IOCTL REFLECT in=1025 out=0 status=0xC000000D info=0'); // the driver knew
    expect(at(r, 'readText')).toBe(at(run('correct'), 'readText'));
  });

  it('wrong-error-codes differs on "unknown IOCTL -> 1" and "READ O < N -> 122": both answer 87', () => {
    const r = run('wrong-error-codes');
    expect(at(r, 'readShort')).toBe('e=87 n=0 o=');
    expect(at(r, 'unknown803')).toBe('e=87 n=0 o=');
  });

  it('missing-break differs on "READ O >= N": every READ falls into default and fails with 1', () => {
    const r = run('missing-break');
    expect(at(r, 'readAfter1023')).toBe('e=1 n=0 o=');
    expect(at(r, 'readNuls')).toBe('e=1 n=0 o=');
    expect(at(r, 'readShort')).toBe('e=1 n=0 o=');
  });

  it('unchecked-create differs on "IoCreateDevice checked": a second copy crashes its host instead of failing with 183', () => {
    const correct = caseOf(run('correct'), 'echo/second-instance-is-refused');
    expect(correct.steps.find((s) => s.kind === 'load')).toMatchObject({ error: 183 });
    const r = run('unchecked-create');
    expect(notPassed(r)).toEqual(['echo/second-instance-is-refused']);
    expect(caseOf(r, 'echo/second-instance-is-refused').evidence?.signature).toMatch(/^page fault on write access to 0x30 at /);
  });

  it('original-demo differs on several rows at once: every request "succeeds", READ never returns data, 65536 crashes', () => {
    const r = run('original-demo');
    expect((['reflect1023', 'readAfter1023', 'reflect1025', 'readNuls', 'readShort', 'unknown803'] as const).map((row) => errorAt(r, row))).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(debug(r, ROW.reflect1023[0])).toContain('objdev: IOCTL REFLECT in=1023 out=0 status=0xC000000D info=0'); // 1, hidden by 5
    expect(debug(r, ROW.reflect1023[0])).toContain('objdev: IOCTL READ in=0 out=1024 status=0xC000000D info=0'); // 8 then 6, hidden by 5
    expect(debug(r, ROW.unknown803[0])).toMatch(/objdev: IOCTL 0x0022E00C in=\d+ out=\d+ status=0xC000000D info=0/); // 6, hidden by 5
    expect(caseOf(r, ROW.read65536[0]).evidence?.signature).toMatch(/^page fault on read access to 0x[0-9a-f]+ at /); // 3
    expect(r.summary).toMatchObject({ total: 60, crashed: 2 });
  });

  it('no-lock: Wine runs one IRP at a time, so 4 threads x 200 REFLECT/READ pairs never see a torn message', () => {
    const c = caseOf(run('no-lock'), 'echo/concurrent-reflect-and-read-on-one-handle');
    // The suite checks every READ against the message some thread stored: passing means none was torn.
    expect(c.status).toBe('passed');
    const read = c.steps.find((s) => s.parallel)!.parallel!.sub[1]!;
    expect(read).toMatchObject({ ioctlName: 'READ', calls: 800, errors: { '0': 800 }, returned: { '1024': 800 } });
    expect(read.distinctOutputs).toBeGreaterThan(0);
  });

  it('every mutant the catalog calls observable on Wine has a test above; windows-only ones match the correct driver here', () => {
    const tested = [
      'limit-off-by-one',
      'read-overread',
      'strlen-truncation',
      'status-mismatch',
      'wrong-error-codes',
      'missing-break',
      'unchecked-create',
      'crash-on-length',
      'hang-on-length',
      'original-demo',
    ];
    const answers = (r: RunReport) =>
      r.cases.map((c) => `${c.id} ${c.status} ${c.steps.map((s) => `${s.error}/${s.bytesReturned}/${s.output ?? ''}`).join(' ')}`);
    for (const m of catalog) {
      if (m.observableOn.includes('wine')) expect(tested, m.name).toContain(m.name);
      else expect(answers(run(m.name)), m.name).toEqual(answers(run('correct')));
    }
  });
});
