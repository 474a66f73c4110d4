/**
 * Test support: crafted reports. `aCase` makes a CaseResult with sensible defaults; `aReport` wraps cases
 * in a report.json shape; `writeRun` writes one into a run folder. HOSTILE is what a hostile or broken
 * driver could print: markup that must stay text wherever a report shows it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from '../report/run-report.js';
import { runOutcomeOf } from '../run/run-outcome.js';
import type { CaseResult, CaseStatus } from '../verdict/case-result.js';
import { RUN_ON_WINDOWS } from '../verdict/target-gap.js';

export const HOSTILE = `</script><script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2;alert(2)"><svg onload="window.__pwned=3">`;

/** What each status carries, so a case is what lab would write for it; `extra` overrides any of it. */
function whyOf(id: string, status: CaseStatus): Partial<CaseResult> {
  const message = `${status}: something went wrong`;
  switch (status) {
    case 'passed':
      return {};
    case 'skipped':
      return { message: 'skipped: not on this target' };
    case 'flaky':
      return { message: 'passed on rerun 1 after 1 attempt that did not', attempts: [{ status: 'failed', message, blame: 'product' }] };
    case 'waived':
      return { blame: 'product', message, waiver: { status: 'failed', reason: 'known', expires: '2099-12-31', match: id, source: 'waivers.yaml:2:5' } };
    case 'inconclusive':
      return {
        blame: 'target',
        message,
        targetGap: {
          functions: ['MmMapLockedPagesSpecifyCache'],
          detail: 'Wine 8 maps no MDL',
          runOn: RUN_ON_WINDOWS,
          was: { status: 'failed', blame: 'product', message },
        },
      };
    default:
      return { blame: 'product', message };
  }
}

export function aCase(id: string, status: CaseStatus, extra: Partial<CaseResult> = {}): CaseResult {
  return { index: 0, id, name: id.split('/').pop() ?? id, status, durationMs: 3, steps: [], ...whyOf(id, status), ...extra } as CaseResult;
}

export function aReport(cases: CaseResult[], extra: Partial<RunReport> = {}): RunReport {
  const indexed = cases.map((c, index) => ({ ...c, index }));
  const { summary, status } = runOutcomeOf(indexed, { interrupted: false, harnessFailure: false });
  return {
    schemaVersion: 1,
    runId: 'run-1',
    suite: 'echo',
    suiteFile: 'suites/echo.yaml',
    target: 'wine',
    targetKind: 'wine',
    targetInfo: { wine: 'wine-8.0' },
    status,
    startedAt: '2026-11-24T04:00:00.000Z',
    durationMs: 1500,
    driver: { path: 'driver/build/objdev.sys', sha256: 'ab'.repeat(32), signed: true },
    summary,
    cases: indexed,
    timings: { execute: 1000 },
    warnings: [],
    lab: { version: '0.1.0', node: 'v20' },
    options: {},
    ...extra,
  };
}

/** Writes report.json into `dir` (created) and returns the folder. */
export async function writeRun(dir: string, report: RunReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  return dir;
}

/** A failed case with everything the report shows: steps with expectations, a hex diff, logs, hostile driver output. */
export function aRichFailure(id = 'echo/read-back'): CaseResult {
  return aCase(id, 'failed', {
    message: `step 2 READ: expected 11 bytes returned, got 5\n${HOSTILE}`,
    params: { len: 11 },
    source: 'suites/echo.yaml:32',
    steps: [
      { index: 0, kind: 'open', error: 0, status: 0, ok: true, implicit: true, expected: { error: 0 } },
      {
        index: 1,
        kind: 'ioctl',
        ioctl: 0x22e004,
        ioctlName: 'REFLECT',
        inLength: 11,
        outLength: 0,
        error: 0,
        status: 0,
        bytesReturned: 0,
        elapsedUs: 400,
        output: '',
        ok: true,
        expected: { error: 0, bytesReturned: 0 },
      },
      {
        index: 2,
        kind: 'ioctl',
        ioctl: 0x22e008,
        ioctlName: 'READ',
        inLength: 0,
        outLength: 1024,
        error: 0,
        status: 0,
        bytesReturned: 5,
        elapsedUs: 300,
        output: Buffer.from('hellX').toString('hex'),
        ok: false,
        expected: { error: 0, bytesReturned: 11, output: Buffer.from('hello,world').toString('hex') },
        problems: ['expected 11 bytes returned, got 5', 'output differs'],
        diff: { firstDifference: 4, expectedLength: 11, actualLength: 5, text: 'first difference at byte 4' },
      },
    ],
    log: {
      debug: [
        '10\t04:00:00.100\t[32] lab: case-begin 0 echo/read-back',
        '11\t04:00:00.101\tobjdev: IOCTL REFLECT in=11',
        `12\t04:00:00.102\tobjdev: ${HOSTILE}`,
        '13\t04:00:00.103\tobjdev: IOCTL READ out=1024',
        '14\t04:00:00.104\t[target] wine: a target line',
        '15\t04:00:00.105\t[32] lab: case-end 0 echo/read-back',
      ],
      driverLog: ['objdev: IOCTL REFLECT in=11', `objdev: ${HOSTILE}`, 'objdev: only in the log file', 'objdev: IOCTL READ out=1024'],
    },
  });
}

export function aCrash(id = 'echo/boom'): CaseResult {
  return aCase(id, 'crashed', {
    message: 'the driver crashed during this case: wine: Unhandled page fault on write access to 0000000000000000',
    evidence: {
      signature: 'wine: Unhandled page fault on write access to 0000000000000000 at address 00000000021A10B6',
      backtrace: 'Register dump:\n rip:00000000021a10b6\nBacktrace:\n=>0 0x000000021a10b6 in objdev.sys (+0x10b6)\n  1 IoCallDriver+0x4f in ntoskrnl',
      lastLines: ['20\t04:00:01.000\tobjdev: IOCTL REFLECT in=666'],
    },
    log: {
      debug: [
        '19\t04:00:00.999\t[32] lab: case-begin 1 echo/boom',
        '20\t04:00:01.000\tobjdev: IOCTL REFLECT in=666',
        '21\t04:00:01.003\t[target] wine: Unhandled page fault on write access to 0000000000000000',
      ],
      driverLog: [],
    },
  });
}

/** A case the target could not judge: it called a function Wine only stubs. */
export function anInconclusive(id = 'echo/neither'): CaseResult {
  const was = 'step 1 NEITHER: expected error 0 (ERROR_SUCCESS), got 1450';
  return aCase(id, 'inconclusive', {
    blame: 'target',
    message: `inconclusive on wine: the driver called MmMapLockedPagesSpecifyCache, which wine does not implement (Wine 8 maps no MDL). What it did next says nothing about the driver; run this case on a Windows target.`,
    targetGap: {
      functions: ['MmMapLockedPagesSpecifyCache'],
      detail: 'Wine 8 maps no MDL',
      runOn: 'a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)',
      was: { status: 'failed', blame: 'product', message: was },
    },
  });
}
