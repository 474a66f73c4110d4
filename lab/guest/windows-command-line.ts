/**
 * Builds a Windows command line from an argv, quoted the way CommandLineToArgvW and the C runtime split
 * it again: so a suite's `run: ['a b', 'say "hi"']` reaches the client as exactly those two arguments.
 */
export function windowsCommandLine(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}

export function quoteArgument(arg: string): string {
  if (arg.length > 0 && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    // Backslashes are literal unless they precede a quote: then each must be doubled, plus one for the quote.
    out += '\\'.repeat(ch === '"' ? backslashes * 2 + 1 : backslashes) + ch;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}
