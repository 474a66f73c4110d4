/**
 * Test oracle: how cmd.exe reads a command line given to `cmd /c` (command-line context, delayed expansion
 * off), written from cmd's documented and widely described parsing phases, independently of the quoting
 * code it checks. Phase 1 expands `%name%`, `%name:~a,b%` and `%name:x=y%` for names the environment
 * defines; phase 2 drops escaping carets, tracks quotes, and splits at unquoted, unescaped operators.
 * It is strict on purpose: anything cmd would treat as an operator is reported, so a quoting bug shows up
 * as a failure rather than as a command that happened to run.
 *
 * Self-contained (node built-ins only): the loopback SSH server's guest shim runs it too.
 */
export interface CmdParse {
  /** The command lines cmd would start, in order (split at `&`). */
  commands: string[];
  /** Operators cmd would act on, other than the `&` that split `commands`: `|`, `<`, `>`, `&&`, `||`, `(`, `)`, a trailing `^`. */
  operators: string[];
  /** Variables that were expanded (a quoting bug when the text was meant literally). */
  expanded: string[];
}

export function parseCmdLine(line: string, env: Record<string, string> = {}): CmdParse {
  const expanded: string[] = [];
  const text = expandPercent(line, env, expanded);
  const commands: string[] = [];
  const operators: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      current += ch;
      if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '^') {
      if (i + 1 >= text.length) {
        operators.push('^');
        break;
      }
      current += text[++i];
      continue;
    }
    if (ch === '"') {
      quoted = true;
      current += ch;
      continue;
    }
    if (ch === '&' || ch === '|') {
      const doubled = text[i + 1] === ch;
      if (ch === '&' && !doubled) {
        commands.push(current.trim());
        current = '';
        continue;
      }
      operators.push(doubled ? ch + ch : ch);
      if (doubled) i++;
      current += ' ';
      continue;
    }
    if (ch === '<' || ch === '>' || ch === '(' || ch === ')') {
      operators.push(ch);
      current += ' ';
      continue;
    }
    current += ch;
  }
  commands.push(current.trim());
  return { commands, operators, expanded };
}

/** Phase 1 in command-line context: a `%name%` whose name is not defined stays as written. */
function expandPercent(line: string, env: Record<string, string>, expanded: string[]): string {
  const lookup = new Map(Object.entries(env).map(([k, v]) => [k.toUpperCase(), v]));
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    const close = ch === '%' ? line.indexOf('%', i + 1) : -1;
    if (close < 0) {
      out += ch;
      i++;
      continue;
    }
    const body = line.slice(i + 1, close);
    const colon = body.indexOf(':');
    const name = colon >= 0 ? body.slice(0, colon) : body;
    const value = name ? lookup.get(name.toUpperCase()) : undefined;
    if (value === undefined) {
      // Conservative: resume right after this `%`, so the closing `%` may open another name.
      out += ch;
      i++;
      continue;
    }
    expanded.push(name);
    out += colon >= 0 ? modify(value, body.slice(colon + 1)) : value;
    i = close + 1;
  }
  return out;
}

/** `~start,length` substrings and `from=to` replacements, as far as an oracle needs them. */
function modify(value: string, modifier: string): string {
  const sub = /^~(-?\d+)?(?:,(-?\d+))?$/.exec(modifier);
  if (sub) {
    const start = Number(sub[1] ?? 0);
    const from = start < 0 ? Math.max(0, value.length + start) : start;
    const length = sub[2] === undefined ? undefined : Number(sub[2]);
    const to = length === undefined ? value.length : length < 0 ? value.length + length : from + length;
    return value.slice(from, Math.max(from, to));
  }
  const eq = modifier.indexOf('=');
  if (eq > 0) {
    const find = modifier.slice(0, eq).replace(/^\*/, '');
    return find ? value.split(find).join(modifier.slice(eq + 1)) : value;
  }
  return value;
}
