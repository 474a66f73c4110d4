import { describe, expect, it } from 'vitest';
import { parseWindowsArgv } from '../../testing/windows-shell/argv-parser.js';
import { parseCmdLine } from '../../testing/windows-shell/cmd-parser.js';
import { cmdCommandLine, CmdQuotingError, cmdSequence } from './cmd-command-line.js';

/** What a Windows machine's cmd.exe and then the program's C runtime would make of lab's line. */
const ENV = {
  PATH: 'C:\\Windows\\system32;C:\\Windows',
  CD: 'C:\\Users\\lab',
  USERNAME: 'lab',
  COMSPEC: 'C:\\Windows\\system32\\cmd.exe',
  X: 'expanded!',
  'A B': 'spaced',
};
function roundTrip(argv: string[]) {
  const line = cmdCommandLine(argv);
  const parsed = parseCmdLine(line, ENV);
  return { line, parsed, argv: parsed.commands.length === 1 ? parseWindowsArgv(parsed.commands[0]!) : undefined };
}

const HOSTILE = [
  '',
  ' ',
  'plain',
  'two words',
  'say "hi"',
  '"',
  '""',
  'trailing\\',
  'C:\\lab dir\\',
  'a\\\\"b',
  '\\\\server\\share',
  'a & calc.exe',
  'a && b || c',
  'a | findstr x',
  '> C:\\Windows\\win.ini',
  '< nul',
  '^',
  'a^',
  '^^^',
  '%PATH%',
  '%path%',
  '%X%Y%X%',
  '%PATH:~0,3%',
  '%PATH:Windows=pwned%',
  '%A B%',
  '%%',
  '%',
  '100%',
  '% X%',
  '!PATH!',
  '$(whoami)',
  '`id`',
  "it's",
  '(echo x)',
  ') & echo y',
  '"a & b"',
  '"a" & "b"',
  '\\"& calc &\\"',
  "C:\\lab dir\\it's & (weird) %PATH% ^! $(x)\\plan.txt",
  'tab\there',
  'üñíçødé ✓',
];

describe('cmdCommandLine: quoting for cmd.exe and CommandLineToArgvW', () => {
  it.each(HOSTILE.map((s) => [s]))('carries %j through cmd.exe and the C runtime unchanged', (hostile) => {
    const argv = ['C:\\lab\\lab-guest.exe', hostile, `x${hostile}y`, 'last'];
    const { line, parsed, argv: back } = roundTrip(argv);
    expect(parsed.operators, line).toEqual([]);
    expect(parsed.expanded, line).toEqual([]);
    expect(parsed.commands, line).toHaveLength(1);
    expect(back).toEqual(argv);
  });

  it('carries hostile program paths too (a program path cannot hold a quote on Windows)', () => {
    for (const program of ['C:\\lab dir\\lab-guest.exe', 'C:\\a&b\\%PATH%\\x.exe', "C:\\it's (x) ^! $(y)\\r.exe", 'C:\\%PATH:~0,3%\\x.exe']) {
      const { line, parsed, argv } = roundTrip([program, 'C:\\lab\\plan.txt']);
      expect(parsed.operators, line).toEqual([]);
      expect(parsed.expanded, line).toEqual([]);
      expect(argv).toEqual([program, 'C:\\lab\\plan.txt']);
    }
  });

  it('survives seeded random strings over the characters cmd and the C runtime care about', () => {
    const alphabet = ['"', '\\', '%', '^', '&', '|', '<', '>', '(', ')', '!', ' ', '\t', ':', '~', '=', ',', "'", '$', 'a', 'P', 'A', 'T', 'H', 'X', '*'];
    let seed = 0x5eed;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % alphabet.length;
    for (let n = 0; n < 3000; n++) {
      const arg = Array.from({ length: 1 + (n % 17) }, () => alphabet[next()]).join('');
      const argv = ['C:\\lab\\x.exe', arg, 'PATH'];
      const { line, parsed, argv: back } = roundTrip(argv);
      expect({ line, operators: parsed.operators, expanded: parsed.expanded, back }).toEqual({ line, operators: [], expanded: [], back: argv });
    }
  });

  it('leaves plain arguments readable', () => {
    expect(cmdCommandLine(['C:\\lab\\lab-guest.exe', 'C:\\lab\\plan.txt'])).toBe('C:\\lab\\lab-guest.exe C:\\lab\\plan.txt');
    expect(cmdCommandLine(['sc.exe', 'stop', 'objdev'])).toBe('sc.exe stop objdev');
  });

  it('refuses what no quoting can carry: line breaks, carriage returns, NUL, an empty command, an overlong line', () => {
    for (const bad of ['a\nb', 'a\r\nb', '\n', 'a\0b']) expect(() => cmdCommandLine(['x.exe', bad])).toThrow(CmdQuotingError);
    expect(() => cmdCommandLine([])).toThrow(CmdQuotingError);
    expect(() => cmdCommandLine(['x.exe', 'a'.repeat(9000)])).toThrow(/at most 8191/);
  });

  it('joins a sequence with the one operator it means, each command quoted on its own', () => {
    const line = cmdSequence([
      ['taskkill', '/F', '/IM', 'a & b.exe'],
      ['sc.exe', 'stop', 'svc|x'],
    ]);
    const parsed = parseCmdLine(line, ENV);
    expect(parsed.operators).toEqual([]);
    expect(parsed.commands.map(parseWindowsArgv)).toEqual([
      ['taskkill', '/F', '/IM', 'a & b.exe'],
      ['sc.exe', 'stop', 'svc|x'],
    ]);
  });

  it('the oracle itself catches the classic mistakes (so a pass above means something)', () => {
    expect(parseCmdLine('x.exe "a" & calc', ENV).commands).toHaveLength(2);
    expect(parseCmdLine('x.exe "%PATH%"', ENV).expanded).toEqual(['PATH']);
    expect(parseCmdLine('x.exe ^%PATH:Windows=pwned^%', ENV).expanded).toEqual(['PATH']);
    expect(parseCmdLine('x.exe a|b', ENV).operators).toEqual(['|']);
    expect(parseWindowsArgv('x.exe "a b" c\\"d "e""f"')).toEqual(['x.exe', 'a b', 'c"d', 'e"f']);
  });
});
