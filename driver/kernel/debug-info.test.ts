/**
 * Why the Makefile builds with -gdwarf-4 and keeps <image>.debug beside the stripped, signed image: with
 * both deployed, winedbg names the faulting function, file and line of a driver crash; without the .debug
 * file only module+offset is left. Uses the crash-on-length mutant and the minidump Wine's AeDebug writes.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, runInWine, type FreshPrefix } from '../../lab/testing/wine.js';
import { build, onHandle, runGuest, stage, step } from '../testing/guest-in-wine.js';

const AEDEBUG = 'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\AeDebug';

async function crashBacktrace(withDebugFile: boolean): Promise<string> {
  const prefix: FreshPrefix = await freshPrefix();
  try {
    await stage(prefix.driveC, ['mutants/crash-on-length.sys', ...(withDebugFile ? ['mutants/crash-on-length.sys.debug'] : [])]);
    await runInWine(prefix.prefix, 'reg', ['add', AEDEBUG, '/v', 'Debugger', '/d', 'winedbg --minidump C:\\crash.mdmp %ld %ld', '/f']);
    // The sleep gives winedbg, started by the crashing driver host, time to write the dump.
    await runGuest(prefix, [onHandle(step.reflect(Buffer.alloc(666, 0x41))), [{ kind: 'sleep', ms: 5000 }]], { image: 'crash-on-length.sys' });
    await access(join(prefix.driveC, 'crash.mdmp'));
    // In the prefix's own namespace (lab/testing/wine.ts); with no input, winedbg quits after the report.
    return (await runInWine(prefix.prefix, 'winedbg', ['C:\\crash.mdmp'])).stdout;
  } finally {
    await prefix.dispose();
  }
}

describe('crash backtraces of objdev images', () => {
  let named: string;
  let bare: string;

  beforeAll(async () => {
    await build(['guest', 'mutants']);
    [named, bare] = await Promise.all([crashBacktrace(true), crashBacktrace(false)]);
  }, 180_000);

  it('name the function, file and line when <image>.debug is deployed beside the image', () => {
    expect(named).toMatch(/=>0 0x[0-9a-f]+ fault_on_length\+0x[0-9a-f]+\(.*\) \[.*driver\\kernel\\ioctl\.c:\d+\] in crash-on-length\.sys/);
    expect(named).toMatch(/ObjdevDeviceControl\+0x[0-9a-f]+\(.*\) \[.*ioctl\.c:\d+\] in crash-on-length\.sys/);
  });

  it('fall back to module+offset without it (the signed image itself carries no DWARF)', () => {
    expect(bare).toMatch(/=>0 0x[0-9a-f]+ in crash-on-length\.sys \(\+0x[0-9a-f]+\)/);
    expect(bare).not.toMatch(/fault_on_length/);
  });
});
