import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NTSTATUS_NAMES, WIN32_ERROR_NAMES } from './names.generated.js';
import { describeNtStatus, isNtStatusName, ntStatusHex, parseNtStatus } from './ntstatus.js';
import { describeWin32Error, parseWin32Error, win32ErrorName } from './win32-errors.js';

describe('the name tables, generated from mingw-w64 headers', () => {
  it("hold every family of Win32 error and NTSTATUS name, with the headers' values", () => {
    const win32 = new Map(WIN32_ERROR_NAMES);
    expect(win32.size).toBeGreaterThan(2000);
    expect([win32.get('ERROR_SUCCESS'), win32.get('ERROR_INVALID_PARAMETER'), win32.get('ERROR_TIMEOUT'), win32.get('WAIT_TIMEOUT')]).toEqual([
      0, 87, 1460, 258,
    ]);
    expect([win32.get('RPC_S_SERVER_UNAVAILABLE'), win32.get('WSAECONNREFUSED'), win32.get('ERROR_DS_NO_ATTRIBUTE_OR_VALUE')]).toEqual([1722, 10061, 8202]);
    // HRESULTs and facility numbers are not Win32 errors.
    expect(win32.has('E_FAIL')).toBe(false);
    expect(win32.has('FACILITY_WIN32')).toBe(false);
    const nt = new Map(NTSTATUS_NAMES);
    expect(nt.size).toBeGreaterThan(1500);
    expect([nt.get('STATUS_SUCCESS'), nt.get('STATUS_INVALID_PARAMETER'), nt.get('STATUS_BUFFER_OVERFLOW'), nt.get('DBG_CONTINUE')]).toEqual([
      0, 0xc000000d, 0x80000005, 0x00010002,
    ]);
    expect(nt.get('STATUS_IMAGE_NOT_AT_BASE')).toBe(0x40000003);
  });

  it('live in a leaf: nothing in lab/status-codes imports the rest of lab', async () => {
    const dir = new URL('.', import.meta.url);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const imports = [...(await readFile(new URL(file, dir), 'utf8')).matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const target of imports) expect(target, file).toMatch(/^\.\/[a-z0-9.-]+\.js$/);
    }
  });
});

describe('Win32 errors', () => {
  it('parse from a number or a name, with or without ERROR_, in any case', () => {
    expect(parseWin32Error(87)).toBe(87);
    expect(parseWin32Error('87')).toBe(87);
    expect(parseWin32Error('ERROR_INVALID_PARAMETER')).toBe(87);
    expect(parseWin32Error('invalid_parameter')).toBe(87);
    expect(parseWin32Error('SUCCESS')).toBe(0);
    expect(parseWin32Error('WAIT_TIMEOUT')).toBe(258);
    expect(parseWin32Error('ERROR_NO_SUCH_THING')).toBeUndefined();
  });

  it('are shown with their ERROR_ name first', () => {
    expect(describeWin32Error(0)).toBe('0 (ERROR_SUCCESS)');
    expect(describeWin32Error(1450)).toBe('1450 (ERROR_NO_SYSTEM_RESOURCES)');
    expect(win32ErrorName(258)).toBe('WAIT_TIMEOUT');
    expect(describeWin32Error(65000)).toBe('65000');
    expect(describeWin32Error(null)).toBe('not run');
  });
});

describe('NTSTATUS', () => {
  it('parses names, hex and decimal text, and the signed value a driver returns', () => {
    expect(parseNtStatus('STATUS_INVALID_PARAMETER')).toBe(0xc000000d);
    expect(parseNtStatus('invalid_parameter')).toBe(0xc000000d);
    expect(parseNtStatus('0xC000000D')).toBe(0xc000000d);
    expect(parseNtStatus(0xc000000d)).toBe(0xc000000d);
    expect(parseNtStatus(-1073741811)).toBe(0xc000000d);
    expect(parseNtStatus('DBG_CONTINUE')).toBe(0x00010002);
    expect(parseNtStatus('STATUS_NO_SUCH_THING')).toBeUndefined();
    expect(parseNtStatus(0x1_0000_0000)).toBeUndefined();
    expect(parseNtStatus(1.5)).toBeUndefined();
    expect(isNtStatusName('STATUS_PENDING')).toBe(true);
    expect(isNtStatusName('ERROR_TIMEOUT')).toBe(false);
  });

  it('is shown as eight hex digits with its name', () => {
    expect(describeNtStatus(0xc000000d)).toBe('0xC000000D (STATUS_INVALID_PARAMETER)');
    expect(describeNtStatus(0)).toBe('0x00000000 (STATUS_SUCCESS)');
    expect(describeNtStatus(0xc0ffee00)).toBe('0xC0FFEE00');
    expect(describeNtStatus(null)).toBe('not reported');
    expect(ntStatusHex(0x103)).toBe('0x00000103');
  });
});
