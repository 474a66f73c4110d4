import { describe, expect, it } from 'vitest';
import { aCase } from '../testing/report-fixtures.js';
import type { CaseResult, CaseStatus, StepReport, TransferStepReport } from '../verdict/case-result.js';
import { crashSite, sightingsOf } from './sighting.js';
import { reproduces } from './trials.js';

const batch = (status: CaseStatus, extra: Partial<CaseResult> = {}): CaseResult =>
  aCase('fuzz/b3', status, { index: 3, name: 'fuzz/b3', durationMs: 1, ...extra });
const WINEDBG =
  'Backtrace:\n=>0 0x000002282cfdb6 in msvcrt (+0x4fdb6) (0000000000000000)\n  1 0x000002282d5079 memcpy+0x9 in msvcrt\n  2 0x000000021a1a29 in original-demo.sys (+0x1a29) (0000000000000000)\n  3 0x000000021a1048 in original-demo.sys (+0x1048)';
const MONITOR =
  'backtrace of the faulting thread 0xdc, innermost first:\n  0  msvcrt.dll+0x4fdb6   memcpy\n  1  original-demo.sys+0x1a29    dispatch_read  driver/kernel/ioctl.c:40';
const crashed = (
  backtrace: string,
  signature = 'wine: Unhandled page fault on read access to 00000000021AA000 at address 00000002282CFDB6 (thread 00dc), starting debugger...',
): CaseResult => batch('crashed', { evidence: { signature, backtrace, lastLines: [] } });
const ioctlStep = (over: Partial<TransferStepReport>): StepReport => ({
  index: 5,
  kind: 'ioctl',
  ioctl: 0x22e008,
  ioctlName: 'READ',
  inLength: 0,
  outLength: 16,
  error: 0,
  status: 0,
  bytesReturned: 0,
  elapsedUs: 10,
  output: '',
  ok: true,
  ...over,
});

describe('sightings', () => {
  it("name a crash by the innermost frame in a driver, from winedbg's backtrace or lab-monitor's", () => {
    expect(crashSite(crashed(WINEDBG).evidence)).toBe('original-demo.sys+0x1a29');
    expect(crashSite(crashed(MONITOR).evidence)).toBe('original-demo.sys+0x1a29');
    const [s] = sightingsOf(crashed(WINEDBG));
    expect(s).toMatchObject({ kind: 'crash', key: 'crash original-demo.sys+0x1a29' });
  });

  it('without a driver frame, key a crash by its fault line without the data address or thread', () => {
    const a = sightingsOf(
      crashed('', 'wine: Unhandled page fault on write access to 0000000000000030 at address 00000000021A1B9D (thread 0150), starting debugger...'),
    )[0]!;
    const b = sightingsOf(
      crashed('', 'wine: Unhandled page fault on write access to 0000000000000038 at address 00000000021A1B9D (thread 0188), starting debugger...'),
    )[0]!;
    expect(a.key).toBe(b.key);
  });

  it('see a hang, and a call that broke a rule every IOCTL is held to, by code and rule', () => {
    expect(sightingsOf(batch('hung', { message: 'no result within 5000 ms' }))).toMatchObject([{ kind: 'hang', key: 'hang' }]);
    const over = sightingsOf(
      batch('failed', {
        steps: [ioctlStep({ ok: false, bytesReturned: 40, problems: ['the driver reported 40 bytes returned into a 16-byte output buffer'] })],
      }),
    );
    expect(over).toMatchObject([{ kind: 'divergence', step: 5, key: 'divergence READ the driver reported N bytes returned into a N-byte output buffer' }]);
  });

  it('never come from lab or the target: a harness error, a refused step, a failed open, a passed case', () => {
    expect(sightingsOf(batch('error', { blame: 'harness', message: 'the guest runner exited' }))).toEqual([]);
    expect(
      sightingsOf(batch('error', { blame: 'test', steps: [ioctlStep({ ok: false, error: null, problems: ['not executed: inLen over the limit'] })] })),
    ).toEqual([]);
    expect(
      sightingsOf(batch('failed', { steps: [{ index: 0, kind: 'open', error: 5, status: 0xc0000022, ok: false, problems: ['the open failed'] }] })),
    ).toEqual([]);
    expect(sightingsOf(batch('passed', { steps: [ioctlStep({})] }))).toEqual([]);
    expect(sightingsOf(batch('skipped'))).toEqual([]);
  });

  it("are never the driver's when the target stopped in its own code: its kernel's assertion, or a stack without the driver", () => {
    const assertion = sightingsOf(
      crashed(
        '(/ntoskrnl/mm/ARM3/sysldr.c:170) Loading: \\??\\C:\\lab\\objdev.sys at F6591000\n*** Assertion failed: ((Mdl)->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) == 0',
        'the kernel debugger stopped the machine (kdb:> prompt) without a bugcheck: an assertion or a break-in',
      ),
      'objdev.sys',
    );
    expect(assertion[0]!.targetOwn).toMatch(/its own assertion or break-in, naming no frame of objdev\.sys/);
    const wineOnly = sightingsOf(crashed('backtrace:\n  0  ntoskrnl.exe+0x12d2f  IoCallDriver+0x4f\n  1  ntdll.dll+0x5dca8'), 'objdev.sys');
    expect(wineOnly[0]!.targetOwn).toMatch(/none of the 2 frames of its stack is in objdev\.sys/);
    // The driver in the stack, or no stack at all (a bugcheck code alone): the driver's.
    expect(sightingsOf(crashed(WINEDBG), 'original-demo.sys')[0]!.targetOwn).toBeUndefined();
    expect(sightingsOf(crashed('', 'bugcheck 0x0000007E'), 'objdev.sys')[0]!.targetOwn).toBeUndefined();
    expect(sightingsOf(crashed('', 'bugcheck 0x7E in crash-on-length.sys'), 'crash-on-length.sys')[0]!.targetOwn).toBeUndefined();
  });

  it('are reproduced by the same defect only: a crash elsewhere in the driver is another one', () => {
    const [s] = sightingsOf(crashed(WINEDBG));
    expect(reproduces(s!, crashed(MONITOR))).toBe(true);
    expect(reproduces(s!, crashed(WINEDBG.replace(/\+0x1a29/g, '+0x1b00')))).toBe(false);
    expect(reproduces(s!, batch('hung'))).toBe(false);
    expect(reproduces({ kind: 'hang', key: 'hang', summary: '' }, batch('hung'))).toBe(true);
  });
});
