import { UsageError } from '../../errors/lab-error.js';
import { quoteArgument } from '../../guest/windows-command-line.js';

/**
 * A command line for a Windows machine whose OpenSSH server runs commands with its default shell,
 * cmd.exe (`cmd /c <line>`). Two parsers read the line, in order: cmd.exe (percent expansion, carets,
 * quotes, `& | < > ( )`), then the program's C runtime (CommandLineToArgvW rules). So each argument is
 * first quoted for CommandLineToArgvW, then every character cmd treats specially is caret-escaped,
 * quotes included: cmd never enters its quoted mode, sees no operator, and hands the program exactly
 * the CommandLineToArgvW string.
 *
 * `%`: cmd expands `%name%` (and `%name:~1,2%`, `%name:a=b%`) before it looks at carets, and has no
 * escape for it on a command line (unlike in a batch file). So every `%` gets a caret before it and one
 * before the character after it: every name cmd could try to expand then starts and ends with `^`, no
 * such variable exists, cmd leaves the text alone (command-line mode keeps unknown `%x%` as written) and
 * then drops the carets. `!` is only special with delayed expansion, which is off unless the machine
 * turns it on (`lab doctor` checks it).
 */
export function cmdCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new CmdQuotingError('a command needs at least the program');
  for (const arg of argv) refuseUnquotable(arg);
  const line = argv.map((arg) => escapeForCmd(quoteArgument(arg))).join(' ');
  if (line.length > CMD_MAX_LINE) throw new CmdQuotingError(`the command line would be ${line.length} characters; cmd.exe takes at most ${CMD_MAX_LINE}`);
  return line;
}

/** Several commands run one after another whatever each returns (`a & b`); each is quoted on its own. */
export function cmdSequence(commands: ReadonlyArray<readonly string[]>): string {
  const line = commands.map((argv) => cmdCommandLine(argv)).join(' & ');
  if (line.length > CMD_MAX_LINE) throw new CmdQuotingError(`the command line would be ${line.length} characters; cmd.exe takes at most ${CMD_MAX_LINE}`);
  return line;
}

/** cmd.exe's limit on one command line. */
export const CMD_MAX_LINE = 8191;

const CMD_SPECIAL = /[()%!^"<>&|]/;

/**
 * Caret-escapes every character cmd.exe gives a meaning to (cmd stays outside quotes, where carets
 * work), and the character after each `%` (see above). A caret before an ordinary character is dropped.
 */
export function escapeForCmd(text: string): string {
  let out = '';
  let afterPercent = false;
  for (const ch of text) {
    out += CMD_SPECIAL.test(ch) || (afterPercent && !/\s/.test(ch)) ? `^${ch}` : ch;
    afterPercent = ch === '%';
  }
  return out;
}

/** Raised for text no quoting can carry through cmd.exe (a bug in the caller, or hostile input). */
export class CmdQuotingError extends UsageError {
  constructor(message: string) {
    super('LAB_CMD_QUOTING', message);
  }
}

function refuseUnquotable(arg: string): void {
  // cmd.exe ends a command at a line break and C strings end at NUL: no quoting carries them.
  const bad = /[\0\r\n]/.exec(arg);
  if (bad) {
    const name = bad[0] === '\0' ? 'a NUL character' : bad[0] === '\r' ? 'a carriage return' : 'a line break';
    throw new CmdQuotingError(`an argument for cmd.exe cannot contain ${name}: ${JSON.stringify(arg.slice(0, 60))}`);
  }
}
