import { describe, expect, it } from 'vitest';
import { parsePowerShell } from '../../../testing/powershell-parser.js';
import { decodeEncodedCommand, encodedCommandArgv } from '../powershell/encoded-command.js';
import { psString } from '../powershell/ps-literal.js';
import { ps, type PsCode } from '../powershell/ps-script.js';
import { restoreCheckpointScript } from './restore-checkpoint-script.js';
import { startVmScript } from './start-vm-script.js';
import { turnOffVmScript } from './turn-off-vm-script.js';
import { vmFactsScript } from './vm-facts-script.js';
import { vmStatusScript } from './vm-status-script.js';
import { stopCodeOf, workerCrashEventsScript } from './worker-crash-events-script.js';

/** Names that would break out of a string (or turn into a wildcard) if lab pasted them into a script. */
const HOSTILE = [
  'lab-win11',
  "it's",
  "x'; Stop-VM * -TurnOff -Force; '",
  'x\u2019; Remove-VM * -Force; \u2018',
  '\u2018\u2019\u201A\u201B',
  "''",
  "'",
  '*',
  '[a-z]*',
  '$(Remove-Item C:\\ -Recurse)',
  '${env:PATH}',
  '`n`0"; calc; "',
  '"double" & | ; > < ^ % !',
  'line\nbreak\r\nand # comment',
  '@(1,2) @{a=1} -and -or',
  'üñíçødé ✓ 名前',
];

const BUILDERS: Record<string, (name: string) => PsCode> = {
  status: (n) => vmStatusScript(n),
  restore: (n) => restoreCheckpointScript(n, n),
  start: (n) => startVmScript(n),
  'turn off': (n) => turnOffVmScript(n),
  'worker events': (n) => workerCrashEventsScript(n, new Date('2024-05-01T10:00:00.123Z')),
  facts: (n) => vmFactsScript(n, n),
};

describe('the Hyper-V scripts lab generates, parsed by tree-sitter-powershell', () => {
  for (const [what, build] of Object.entries(BUILDERS)) {
    it(`${what}: parses without errors, and every hostile VM/checkpoint name stays one verbatim string with the same commands`, async () => {
      const plain = await parsePowerShell(build('lab-win11').text);
      expect(plain.hasError, plain.errorAt).toBe(false);
      for (const name of HOSTILE) {
        const parsed = await parsePowerShell(build(name).text);
        expect(parsed.hasError, `${JSON.stringify(name)}: ${parsed.errorAt}`).toBe(false);
        expect(parsed.quotesHold, JSON.stringify(name)).toBe(true);
        // The name arrives whole, as a literal: no extra command, no extra variable, no expansion.
        expect(parsed.verbatimStrings, JSON.stringify(name)).toContain(name);
        expect(parsed.commands).toEqual(plain.commands);
        expect(parsed.variables).toEqual(plain.variables);
        expect(parsed.expandableStrings).toEqual(plain.expandableStrings);
      }
    });
  }

  it('the same checks catch a builder that pastes the name (so the passes above mean something)', async () => {
    const pasted = (name: string) => `Restore-VMCheckpoint -VMName '${name}' -Name 'lab-clean' -Confirm:$false`;
    const plain = await parsePowerShell(pasted('lab-win11'));
    const broken = await parsePowerShell(pasted("x'; Stop-VM * -TurnOff -Force; '"));
    expect(broken.commands).not.toEqual(plain.commands);
    // tree-sitter-powershell does not end strings at curly quotes; PowerShell does, and so does the check.
    const curly = await parsePowerShell(pasted('x\u2019; Remove-VM * -Force; \u2018'));
    expect(curly.quotesHold).toBe(false);
  });

  it('only ever selects a VM by exact name, never through a -Name wildcard', () => {
    for (const build of Object.values(BUILDERS)) {
      const text = build('*').text;
      expect(text).not.toMatch(/(Get|Start|Stop|Restore)-VM\w*\s+-(VM)?Name\s+'/);
      expect(text).toMatch(/Get-LabVm -Name '\*'/);
    }
  });

  it('sends scripts as -EncodedCommand (UTF-16LE base64): nothing for cmd.exe or the SSH server to reinterpret', async () => {
    const script = restoreCheckpointScript("x'; Stop-VM *; '", 'lab-clean');
    const argv = encodedCommandArgv(script);
    expect(argv.slice(0, 4)).toEqual(['powershell', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(argv[4]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeEncodedCommand(argv[4]!)).toBe(script.text);
    expect((await parsePowerShell(decodeEncodedCommand(argv[4]!))).hasError).toBe(false);
  });

  it('quotes typed values strictly: every single-quote character doubled, numbers and dates checked', () => {
    expect(psString("a'b")).toBe("'a''b'");
    expect(psString('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(() => psString('a\0b')).toThrow(/NUL/);
    expect(ps`Get-Thing ${5} ${true} ${['a', "b'"]}`.text).toBe("Get-Thing 5 $true @('a', 'b''')");
    expect(() => ps`x ${Number.NaN}`).toThrow(/whole number/);
    expect(() => ps`x ${1.5}`).toThrow(/whole number/);
    expect(() => ps`x ${new Date('nope')}`).toThrow(/valid date/);
  });

  it('reads the stop code out of a Hyper-V-Worker 18590 message', () => {
    expect(
      stopCodeOf(
        "'lab' has encountered a fatal error. The guest operating system reported that it failed with the following error codes: ErrorCode0: 0x3B, ErrorCode1: 0xC0000005, ErrorCode2: 0xFFFFF80012345678, ErrorCode3: 0xFFFFD00012345678, ErrorCode4: 0x0.",
      ),
    ).toBe('0x3B (0xC0000005, 0xFFFFF80012345678, 0xFFFFD00012345678, 0x0)');
    expect(stopCodeOf('nothing here')).toBeUndefined();
  });
});
