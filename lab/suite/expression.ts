/**
 * `${...}` placeholders: integer arithmetic over matrix parameters (`${len}`, `${len + 1}`,
 * `${size * 2 - 1}`, `${min(len + 5, out)}`). Deliberately tiny: the only calls are min() and max(), no
 * strings, no property access, so a hostile suite cannot run code; anything else is an error that names
 * the expression.
 */
import { UsageError } from '../errors/lab-error.js';

export type Params = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /^\$\{([^{}]+)\}$/;
const EMBEDDED = /\$\{([^{}]+)\}/g;
const MAX_LENGTH = 200;

/** Expansion and the suite's rules turn it into a located issue of the suite (LAB_SUITE_INVALID). */
export class ExpressionError extends UsageError {
  constructor(message: string) {
    super('LAB_SUITE_EXPRESSION', message);
  }
}

export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && PLACEHOLDER.test(value);
}

/** The functions a placeholder may call: each takes one or more integers. */
const FUNCTIONS: Record<string, (values: number[]) => number> = { min: (v) => Math.min(...v), max: (v) => Math.max(...v) };

/** The parameter names an expression uses (for rules.ts); function names are not parameters. */
export function referencedNames(expression: string): string[] {
  const tokens = tokenize(expression);
  return tokens.filter((t, i) => /^[A-Za-z_]/.test(t) && !(Object.hasOwn(FUNCTIONS, t) && tokens[i + 1] === '('));
}

/** `${name}` yields the parameter's value as is (any type); anything else must compute an integer. */
export function resolvePlaceholder(value: string, params: Params): unknown {
  const inner = PLACEHOLDER.exec(value)?.[1]?.trim();
  if (inner === undefined) return value;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) {
    if (!(inner in params)) throw new ExpressionError(`unknown parameter \`${inner}\` in ${value}; the case's matrix defines ${namesOf(params)}`);
    return params[inner];
  }
  return evaluate(inner, params);
}

/** Replaces every `${...}` inside a longer string (names, text), rendering each value as text. */
export function interpolate(text: string, params: Params): string {
  if (!text.includes('${')) return text;
  return text.replace(EMBEDDED, (whole) => {
    const value = resolvePlaceholder(whole, params);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

function namesOf(params: Params): string {
  const names = Object.keys(params);
  return names.length ? names.map((n) => `\`${n}\``).join(', ') : 'no parameters';
}

function tokenize(expression: string): string[] {
  if (expression.length > MAX_LENGTH) throw new ExpressionError(`expression longer than ${MAX_LENGTH} characters`);
  const tokens = expression.match(/0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/%(),]|\S/g) ?? [];
  const bad = tokens.find((t) => !/^(0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/%(),])$/.test(t));
  if (bad)
    throw new ExpressionError(
      `unexpected \`${bad}\` in \${${expression}}; placeholders allow parameters, integers, + - * / % ( ) and min(a, b, ...), max(a, b, ...)`,
    );
  return tokens;
}

/**
 * Recursive descent over: sum := product (('+'|'-') product)*; product := unary (('*'|'/'|'%') unary)*;
 * atom := number | name | '(' sum ')' | ('min'|'max') '(' sum (',' sum)* ')'.
 */
function evaluate(expression: string, params: Params): number {
  const tokens = tokenize(expression);
  let pos = 0;
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} in \${${expression}}`);
  };
  const sum = (): number => {
    let value = product();
    while (tokens[pos] === '+' || tokens[pos] === '-') value = tokens[pos++] === '+' ? value + product() : value - product();
    return value;
  };
  const product = (): number => {
    let value = unary();
    while (tokens[pos] === '*' || tokens[pos] === '/' || tokens[pos] === '%') {
      const op = tokens[pos++];
      const right = unary();
      if (op !== '*' && right === 0) fail('division by zero');
      value = op === '*' ? value * right : op === '/' ? Math.trunc(value / right) : value % right;
    }
    return value;
  };
  const unary = (): number => {
    if (tokens[pos] === '-') {
      pos++;
      return -unary();
    }
    return atom();
  };
  const atom = (): number => {
    const token = tokens[pos++];
    if (token === undefined) return fail('unexpected end');
    if (token === '(') {
      const value = sum();
      if (tokens[pos++] !== ')') fail('missing `)`');
      return value;
    }
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(token)) return Number(token);
    if (Object.hasOwn(FUNCTIONS, token) && tokens[pos] === '(') {
      pos++;
      const args = [sum()];
      while (tokens[pos] === ',') {
        pos++;
        args.push(sum());
      }
      if (tokens[pos++] !== ')') fail(`missing \`)\` after the arguments of ${token}()`);
      return FUNCTIONS[token]!(args);
    }
    if (/^[A-Za-z_]/.test(token)) {
      if (!(token in params)) fail(`unknown parameter \`${token}\` (the case's matrix defines ${namesOf(params)})`);
      const value = params[token];
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(`parameter \`${token}\` is ${JSON.stringify(value)}, not an integer`);
      return value as number;
    }
    return fail(`unexpected \`${token}\``);
  };
  const value = sum();
  if (pos !== tokens.length) fail(`unexpected \`${tokens[pos]}\``);
  if (!Number.isSafeInteger(value)) fail('result out of range');
  return value;
}
