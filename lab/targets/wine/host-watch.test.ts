/**
 * The monitor's lines as lab-monitor wrote them in real sessions (driver/fixtures and the crash mutant under
 * Wine 8), read back into the host's end: what ended it, named the way the report says it.
 */
import { describe, expect, it } from 'vitest';
import { HostWatch } from './host-watch.js';
import { parseHostPrintLine, parseMonitorLine, type MonitorEvent } from './monitor-events.js';

const TOKEN = '5f3a9c0d1e2b4a67';
const line = (json: string) => `lab-monitor ${TOKEN} ${json}`;

function feed(watch: HostWatch, lines: string[]) {
  const announced = [];
  for (const l of lines) {
    const e = parseMonitorLine(line(l), TOKEN) as MonitorEvent;
    const crash = watch.onMonitor(e);
    if (crash) announced.push(crash);
  }
  return announced;
}

const FRAMES = [
  '{"t":"frame","pid":212,"n":0,"pc":"0x24b10b6","module":"crash-on-length.sys","offset":"0x10b6"}',
  '{"t":"frame","pid":212,"n":1,"pc":"0x31caa2d2f","module":"ntoskrnl.exe","offset":"0x12d2f","symbol":"IoCallDriver","displacement":"0x4f"}',
  '{"t":"done","pid":212}',
];

describe('parseMonitorLine', () => {
  it("reads only the lines that carry this session's token", () => {
    expect(parseMonitorLine(line('{"t":"host","service":"objdev","pid":204,"ms":99}'), TOKEN)).toEqual({ t: 'host', service: 'objdev', pid: 204, ms: 99 });
    expect(parseMonitorLine('lab-monitor 0000000000000000 {"t":"exit","pid":1,"code":"0x0","faulted":0,"recent":[]}', TOKEN)).toBeUndefined();
    expect(parseMonitorLine('0104:0114:warn:debugstr:vDbgPrintExWithPrefix 00000000:00000001: lab-monitor', TOKEN)).toBeUndefined();
  });

  it('reports a line with the token that is not a valid event as bad', () => {
    expect(parseMonitorLine(line('{"t":"fault","pid":"x"}'), TOKEN)).toMatchObject({ t: 'bad' });
    expect(parseMonitorLine(line('{not json'), TOKEN)).toEqual({ t: 'bad', text: '{not json' });
  });

  it("under the prints' token (a host writes those itself, so a driver can forge them) only a DbgPrint line counts", () => {
    const PRINTS = '9a8b7c6d5e4f3021';
    const print = '{"t":"print","pid":204,"tid":232,"text":"objdev: IOCTL READ\\u000a","bytes":19}';
    expect(parseHostPrintLine(`lab-monitor ${PRINTS} ${print}`, PRINTS)).toEqual({ t: 'print', pid: 204, tid: 232, text: 'objdev: IOCTL READ\n', bytes: 19 });
    expect(parseHostPrintLine(`lab-monitor ${PRINTS} {"t":"exit","pid":204,"code":"0x0","faulted":0,"recent":[]}`, PRINTS)).toMatchObject({ t: 'bad' });
    expect(parseHostPrintLine(`lab-monitor ${PRINTS} {"t":"fault","pid":204,"tid":232,"code":"0xc0000005","address":"0x0"}`, PRINTS)).toMatchObject({
      t: 'bad',
    });
    // Neither token reads the other's lines.
    expect(parseHostPrintLine(line(print), PRINTS)).toBeUndefined();
    expect(parseMonitorLine(`lab-monitor ${PRINTS} ${print}`, TOKEN)).toBeUndefined();
  });
});

describe('HostWatch', () => {
  it('a page fault is announced when its frames are in, at the faulting instruction', () => {
    const watch = new HostWatch();
    const [crash] = feed(watch, [
      '{"t":"host","service":"objdev","pid":212,"ms":120}',
      '{"t":"fault","pid":212,"tid":220,"code":"0xc0000005","address":"0x24b10b6","module":"crash-on-length.sys","offset":"0x10b6","p0":"0x1","p1":"0x0"}',
      FRAMES[0]!,
      FRAMES[1]!,
    ]);
    expect(crash).toBeUndefined();
    const [announced] = feed(watch, [FRAMES[2]!]);
    expect(announced?.exit).toEqual({ exitCode: 0xc0000005, signature: 'page fault on write access to 0x0 at crash-on-length.sys+0x10b6' });
    expect(announced?.frames.map((f) => f.module)).toEqual(['crash-on-length.sys', 'ntoskrnl.exe']);
    // The host's exit afterwards says nothing new.
    expect(feed(watch, ['{"t":"exit","pid":212,"code":"0xc0000005","faulted":1,"recent":[]}'])).toEqual([]);
  });

  it('a call to a function Wine does not implement is its gap, named from where the driver called it', () => {
    const watch = new HostWatch();
    const [crash] = feed(watch, [
      '{"t":"fault","pid":200,"tid":216,"code":"0x80000100","address":"0x17002d3f8","module":"ntdll.dll","offset":"0x2d3f8","p0":"0x2c58d6060","p1":"0x2c58d604a","stub":"ntoskrnl.exe.ExAllocatePool2"}',
      '{"t":"frame","pid":200,"n":0,"pc":"0x17002d3f8","module":"ntdll.dll","offset":"0x2d3f8","symbol":"stub_entry_point","displacement":"0x48"}',
      '{"t":"frame","pid":200,"n":1,"pc":"0x2c58d1019","module":"pool2.sys","offset":"0x1019"}',
      '{"t":"done","pid":200}',
    ]);
    expect(crash?.exit).toEqual({
      exitCode: 0x80000100,
      signature: 'call to ntoskrnl.exe.ExAllocatePool2, which Wine does not implement, from pool2.sys+0x1019',
      gap: {
        function: 'ntoskrnl.exe.ExAllocatePool2',
        detail: 'Wine has no implementation of ntoskrnl.exe.ExAllocatePool2 (a stub that ends the process when called)',
        kind: 'unimplemented',
      },
    });
  });

  it("a host ending itself: KeBugCheckEx is named from Wine's own line, a plain NtTerminateProcess from its caller", () => {
    const watch = new HostWatch();
    watch.onMonitor({ t: 'host', service: 'fx', pid: 200, ms: 1 });
    watch.onChannel(200, 'err', 'ntoskrnl', 'KeBugCheckEx', 'e2 1 2 3 4');
    const [bugcheck] = feed(watch, ['{"t":"ending","pid":200,"tid":220,"status":"0xe2"}', '{"t":"done","pid":200}']);
    expect(bugcheck?.exit.signature).toBe('KeBugCheckEx(0xE2, 0x1, 0x2, 0x3, 0x4): the driver stopped the machine (a bugcheck on Windows)');
    const [terminated] = feed(watch, [
      '{"t":"ending","pid":212,"tid":228,"status":"0x4c414201"}',
      '{"t":"frame","pid":212,"n":0,"pc":"0x17000ea30","module":"ntdll.dll","offset":"0xea30","symbol":"ZwTerminateProcess","displacement":"0x0"}',
      '{"t":"frame","pid":212,"n":1,"pc":"0x24b10f0","module":"ends-host.sys","offset":"0x10f0"}',
      '{"t":"done","pid":212}',
    ]);
    expect(terminated?.exit).toEqual({
      exitCode: 0x4c414201,
      signature: 'the driver host ended itself (NtTerminateProcess, exit status 0x4c414201), called from ends-host.sys+0x10f0',
    });
  });

  it('an exit nothing announced is announced when it comes (a stack overflow Wine ends without a second chance)', () => {
    const watch = new HostWatch();
    const [overflow] = feed(watch, [
      '{"t":"exit","pid":204,"code":"0x0","faulted":0,"recent":[{"x":0,"code":"0xc00000fd","address":"0x1fd3c1007","module":"deep.sys","offset":"0x1007"}]}',
    ]);
    expect(overflow?.exit).toEqual({ exitCode: 0, signature: 'stack overflow (exception 0xc00000fd) at deep.sys+0x1007' });
    const [plain] = feed(watch, ['{"t":"exit","pid":208,"code":"0x42","faulted":0,"recent":[]}']);
    expect(plain?.exit.signature).toBe('the driver host ended with exit code 0x42, without an exception');
  });

  it("reads a host's fixme line as a gap and ntoskrnl's failed load as DriverEntry's status", () => {
    const watch = new HostWatch();
    expect(watch.onChannel(200, 'fixme', 'ntoskrnl', 'MmMapLockedPagesSpecifyCache', '(0000000000348B00, 0, 1, 0000000000000000, 0, 16): stub')).toEqual({
      gap: {
        function: 'MmMapLockedPagesSpecifyCache',
        detail: 'fixme:ntoskrnl:MmMapLockedPagesSpecifyCache (0000000000348B00, 0, 1, 0000000000000000, 0, 16): stub',
        kind: 'stub',
      },
    });
    expect(
      watch.onChannel(
        200,
        'err',
        'ntoskrnl',
        'ZwLoadDriver',
        'failed to create driver L"\\\\Registry\\\\Machine\\\\System\\\\CurrentControlSet\\\\Services\\\\x": c0000182',
      ),
    ).toEqual({ loadStatus: 0xc0000182 });
    expect(watch.onChannel(200, 'err', 'module', 'import_dll', 'Library wdfldr.sys (which is needed by L"C:\\\\lab\\\\k.sys") not found')).toEqual({});
  });
});
