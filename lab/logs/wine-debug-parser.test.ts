import { describe, expect, it } from 'vitest';
import { parseMarker } from './case-markers.js';
import { parseDbgView, toDbgView } from './debug-line.js';
import { parseWineLine } from './wine-debug-parser.js';

describe('parseWineLine', () => {
  it('reads DbgPrint and OutputDebugString lines with their process id', () => {
    expect(parseWineLine('0104:0114:warn:debugstr:vDbgPrintExWithPrefix 00000000:00000001: objdev: DriverEntry status=0x00000000')).toEqual({
      kind: 'kernel',
      pid: 0x104,
      text: 'objdev: DriverEntry status=0x00000000',
    });
    expect(parseWineLine('0020:0024:warn:debugstr:OutputDebugStringA "lab: case-begin 0 echo/seed\\n"')).toEqual({
      kind: 'user',
      pid: 0x20,
      text: 'lab: case-begin 0 echo/seed',
    });
  });

  it("reads the guest runner's stderr markers as its own user-mode lines", () => {
    expect(parseWineLine('[32] lab: case-begin 4 echo/x[len=1]')).toEqual({ kind: 'user', pid: 32, text: 'lab: case-begin 4 echo/x[len=1]' });
    expect(parseWineLine('[32] objdev: not a marker')).toEqual({ kind: 'other', text: '[32] objdev: not a marker' });
  });

  it('unescapes what Wine escaped, so driver text arrives as it was written', () => {
    expect(parseWineLine('0020:0024:warn:debugstr:OutputDebugStringA "say \\"hi\\"\\tto <script>\\x01\\n"')).toMatchObject({
      text: 'say "hi"\tto <script>\x01',
    });
  });

  it('recognises a crash of the driver host', () => {
    expect(
      parseWineLine('wine: Unhandled page fault on write access to 0000000000000000 at address 00000000021A10B6 (thread 00e0), starting debugger...'),
    ).toMatchObject({ kind: 'crash', thread: 0xe0 });
  });

  it("reads Wine's own channel lines with the process that wrote them", () => {
    expect(parseWineLine('00cc:00dc:fixme:ntoskrnl:MmMapLockedPagesSpecifyCache (0000000000348B00, 0, 1, 0000000000000000, 0, 16): stub')).toEqual({
      kind: 'channel',
      pid: 0xcc,
      level: 'fixme',
      channel: 'ntoskrnl',
      fn: 'MmMapLockedPagesSpecifyCache',
      text: '(0000000000348B00, 0, 1, 0000000000000000, 0, 16): stub',
    });
    expect(parseWineLine('00c8:00d8:err:ntoskrnl:KeBugCheckEx dead0001 1 2 3 4')).toMatchObject({
      kind: 'channel',
      level: 'err',
      fn: 'KeBugCheckEx',
      text: 'dead0001 1 2 3 4',
    });
  });

  it('drops the noise of Wine without 32-bit support or a display', () => {
    expect(parseWineLine('it looks like wine32 is missing, you should install it.')).toEqual({ kind: 'noise' });
    expect(parseWineLine('multiarch needs to be enabled first.  as root, please')).toEqual({ kind: 'noise' });
    expect(parseWineLine('something else')).toEqual({ kind: 'other', text: 'something else' });
  });
});

describe('DbgView lines and markers', () => {
  it('round-trips DbgView format', () => {
    const line = toDbgView({ seq: 7, timeMs: Date.UTC(2026, 10, 24, 4, 24, 14, 953), source: 'user', pid: 32, text: 'lab: case-end 3 echo/x' });
    expect(line).toMatch(/^7\t\d\d:\d\d:14\.953\t\[32\] lab: case-end 3 echo\/x$/);
    expect(parseDbgView(line, 1, 0)).toMatchObject({ source: 'user', pid: 32, text: 'lab: case-end 3 echo/x' });
  });

  it('parses case markers', () => {
    expect(parseMarker('lab: case-begin 12 echo/reflect-length[len=1023]')).toEqual({ edge: 'begin', index: 12, id: 'echo/reflect-length[len=1023]' });
    expect(parseMarker('objdev: lab: case-begin 1 x')).toBeUndefined();
  });
});
