import { describe, expect, it } from 'vitest';
import { KernelDebugPort } from './kernel-debug-port.js';

/** What ReactOS's debug build printed on COM1 for a driver that dereferenced NULL (the shape verified by hand). */
const BUGCHECK = [
  'LABDRV: about to dereference NULL',
  '*** Fatal System Error: 0x0000007e',
  '                       (0xC0000005,0xF65A60CA,0xF727DAA8,0xF727D7AC)',
  'Entered debugger on embedded INT3 at 0x0008:0x805ABE9E.',
  '<ntoskrnl.exe:140d27 (ntoskrnl/ps/thread.c:129 (PspUnhandledExceptionInSystemThread))>',
  '<labcrash.sys:10c5>',
];

describe('the kernel debug port (ReactOS on COM1)', () => {
  it('turns a bugcheck into its code, parameters, faulting module and report', () => {
    const port = new KernelDebugPort();
    const codes = BUGCHECK.map((l) => port.line(l));
    expect(codes).toEqual([undefined, 0x7e, undefined, undefined, undefined, undefined]);
    expect(port.stopping).toBe(true);
    const stop = port.prompt([]);
    expect(stop).toMatchObject({ code: 0x7e, parameters: [0xc0000005, 0xf65a60ca, 0xf727daa8, 0xf727d7ac], module: 'labcrash.sys:10c5' });
    expect(stop.signature).toBe('bugcheck 0x0000007E (0xC0000005, 0xF65A60CA, 0xF727DAA8, 0xF727D7AC) in labcrash.sys');
    expect(stop.report.join('\n')).toContain('<labcrash.sys:10c5>');
    expect(port.stopping).toBe(false);
  });

  it('says so when the debugger stops the machine without a bugcheck', () => {
    const stop = new KernelDebugPort().prompt(['Assertion failed at foo.c:1']);
    expect(stop.code).toBeUndefined();
    expect(stop.signature).toMatch(/kdb:> prompt\) without a bugcheck/);
    expect(stop.report).toEqual(['Assertion failed at foo.c:1']);
  });

  it("tells the runner's case markers, the driver's lines and ReactOS's own noise apart", () => {
    const port = new KernelDebugPort();
    expect(port.classify('lab: case-begin 3 echo/x[len=1]', 1)).toEqual({ timeMs: 1, source: 'user', text: 'lab: case-begin 3 echo/x[len=1]' });
    expect(port.classify('objdev: IOCTL 0x0022E004 in=11 out=0 status=0x00000000', 2).source).toBe('kernel');
    for (const noise of [
      '(/ntoskrnl/io/iomgr/driver.c:1478) Unloading driver',
      'err:(/dll/win32/newdev/newdev.c:1022) DevInstallW failed',
      'fixme:(/dll/win32/setupapi/dirid.c:150) CSIDL 26 not found',
      'WARNING:  SetThreadUILanguage is UNIMPLEMENTED!',
    ]) {
      expect(port.classify(noise, 3)).toEqual({ timeMs: 3, source: 'target', text: `reactos: ${noise}` });
    }
  });
});

describe('an unhandled kernel exception, caught by kdb before any bugcheck', () => {
  it('is a stop with the exception code, what it was, and the faulting module', () => {
    const port = new KernelDebugPort();
    const lines = [
      'objdev: IOCTL REFLECT in=6 out=0 status=0x00000000 info=0',
      'Entered debugger on last-chance exception (Exception Code: 0xc0000005) (Page Fault)',
      'Memory at 0x00000000 could not be accessed',
      '\u001b[?7h\u001b[cEip:',
      '<crash-on-length.sys:10ac>',
      'Frames:',
    ];
    expect(lines.map((l) => port.line(l))).toEqual([undefined, 0xc0000005, undefined, undefined, undefined, undefined]);
    const stop = port.prompt([]);
    expect(stop).toMatchObject({ code: 0xc0000005, kind: 'exception', module: 'crash-on-length.sys:10ac' });
    expect(stop.signature).toBe('unhandled kernel exception 0xC0000005 (Page Fault) in crash-on-length.sys: the kernel debugger stopped the machine');
    expect(stop.report).toContain('Eip:');
  });
});

describe('KeBugCheckEx without a printed stop code', () => {
  it('is a bugcheck in the first module of the backtrace that is not the kernel', () => {
    const port = new KernelDebugPort();
    for (const l of [
      'Entered debugger on embedded INT3 at 0x0008:0x805ABE9E.',
      'Eip:',
      '<ntoskrnl.exe:1abe9e (sdk/lib/rtl/i386/debug_asm.S:45 (RtlpBreakWithStatusInstruction))>',
      'Frames:',
      '<ntoskrnl.exe:9c652 (ntoskrnl/ke/bug.c:1420 (KeBugCheckEx))>',
      '<bugcheck-on-length.sys:1c6f>',
      '<lab-guest.exe:756e>',
    ])
      port.line(l);
    const stop = port.prompt([]);
    expect(stop).toMatchObject({ kind: 'bugcheck', module: 'bugcheck-on-length.sys:1c6f' });
    expect(stop.code).toBeUndefined();
    expect(stop.signature).toBe('bugcheck in bugcheck-on-length.sys (KeBugCheckEx; the kernel did not print the stop code)');
  });
});
