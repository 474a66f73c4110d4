/**
 * Test oracle: how a Windows program splits its command line into argv (CommandLineToArgvW and the
 * Microsoft C runtime since 2008), written from Microsoft's documented rules, independently of the
 * quoting code it checks. The program name is read differently from the arguments: up to the next quote
 * when it starts with one, else up to white space, with no backslash rules.
 *
 * Self-contained (node built-ins only): the loopback SSH server's guest shim runs it too.
 */
export function parseWindowsArgv(line: string): string[] {
  const argv: string[] = [];
  let i = 0;
  const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\t';

  // The program name.
  let program = '';
  if (line[0] === '"') {
    const end = line.indexOf('"', 1);
    program = end < 0 ? line.slice(1) : line.slice(1, end);
    i = end < 0 ? line.length : end + 1;
  } else {
    while (i < line.length && !isSpace(line[i])) program += line[i++];
  }
  argv.push(program);

  for (;;) {
    while (isSpace(line[i])) i++;
    if (i >= line.length) break;
    let arg = '';
    let quoted = false;
    while (i < line.length) {
      const ch = line[i]!;
      if (!quoted && isSpace(ch)) break;
      if (ch === '\\') {
        let n = 0;
        while (line[i] === '\\') {
          n++;
          i++;
        }
        if (line[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += '\\'.repeat(n);
        }
        continue;
      }
      if (ch === '"') {
        // Inside quotes, `""` is one literal quote (the C runtime's rule since 2008).
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += ch;
      i++;
    }
    argv.push(arg);
  }
  return argv;
}
