import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWindowsArgv } from '../../testing/windows-shell/argv-parser.js';
import { parseCmdLine } from '../../testing/windows-shell/cmd-parser.js';
import { bugcheckQuery, parseBugcheckEvents } from './bugcheck-events.js';
import { dbgviewArgv } from './dbgview-capture.js';
import { planServices } from './plan-services.js';
import { tempDir } from '../../testing/temp-dir.js';

describe('what the SSH target reads from Windows', () => {
  it('parses BugCheck events (System 1001) from wevtutil XML, newest first, ignoring other providers', () => {
    const event = (id: number, provider: string, code: string, dump: string) =>
      `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='${provider}'/><EventID Qualifiers='16384'>1001</EventID><TimeCreated SystemTime='2024-05-01T10:00:0${id % 10}.000Z'/><EventRecordID>${id}</EventRecordID></System><EventData><Data Name='param1'>${code}</Data><Data Name='param2'>${dump}</Data></EventData></Event>`;
    const xml =
      event(7, 'Microsoft-Windows-WER-SystemErrorReporting', '0x0000003b (0x00000000c0000005, 0xfffff80000000000, 0x0, 0x0)', 'C:\\Windows\\MEMORY.DMP') +
      event(9, 'BugCheck', '0x000000d1 (0x0, 0x2, 0x0, 0x0)', 'C:\\Windows\\Minidump\\a&amp;b.dmp') +
      event(8, 'Application Error', 'x', 'y');
    expect(parseBugcheckEvents(xml)).toEqual([
      { recordId: 9, code: '0x000000d1 (0x0, 0x2, 0x0, 0x0)', dumpPath: 'C:\\Windows\\Minidump\\a&b.dmp', time: '2024-05-01T10:00:09.000Z' },
      {
        recordId: 7,
        code: '0x0000003b (0x00000000c0000005, 0xfffff80000000000, 0x0, 0x0)',
        dumpPath: 'C:\\Windows\\MEMORY.DMP',
        time: '2024-05-01T10:00:07.000Z',
      },
    ]);
    expect(parseBugcheckEvents('')).toEqual([]);
  });

  it('asks wevtutil for records after a number (no clock), quoted so cmd.exe passes the XPath intact', () => {
    const argv = parseWindowsArgv(parseCmdLine(bugcheckQuery(42)).commands[0]!);
    expect(argv).toEqual(['wevtutil', 'qe', 'System', '/q:*[System[(EventID=1001) and (EventRecordID>42)]]', '/rd:true', '/c:5', '/f:xml']);
    expect(() => bugcheckQuery(-1)).toThrow();
    expect(() => bugcheckQuery(1.5)).toThrow();
  });

  it('starts DbgView with its documented switches', () => {
    expect(dbgviewArgv('C:\\Tools\\Dbgview.exe', 'C:\\lab\\dbgview-1.log')).toEqual([
      'C:\\Tools\\Dbgview.exe',
      '/accepteula',
      '/t',
      '/f',
      '/k',
      '/v',
      '/g',
      '/om',
      '/l',
      'C:\\lab\\dbgview-1.log',
      '/p',
    ]);
  });

  it('learns the services a plan loads from its header and its load steps, and nothing from other files', async () => {
    const dir = await tempDir('plan');
    await writeFile(
      join(dir, 'plan.txt'),
      'lab-plan 1\ndevice \\\\.\\object_device\ndriver objdev C:\\lab dir\\objdev.sys\nlog C:\\objdev.log\ncase 0 x\ndriver not-a-header C:\\x\nload second image=433a5c782e737973\nload objdev\nend\n',
    );
    await writeFile(join(dir, 'other.bin'), 'MZ\0driver x y\n');
    expect(await planServices(join(dir, 'plan.txt'))).toEqual(['objdev', 'second']);
    expect(await planServices(join(dir, 'other.bin'))).toEqual([]);
  });
});
