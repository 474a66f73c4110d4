import type { FileIssue } from './file-issue.js';
import { positionInText } from './text-position.js';

export interface JsonLimits {
  noun: string;
  maxDepth: number;
}

export type ParsedJson = { data: unknown } | { issue: FileIssue };

/**
 * JSON text → data, or the problem at its line and column. JSON.parse itself is iterative; what walks the
 * data afterwards (the schema, JSON.stringify, the pages) is not, so nesting is bounded before anything
 * does. The depth is measured on the data (cheap); only a file that fails is scanned for where.
 */
export function parseJson(text: string, file: string, limits: JsonLimits, firstLine = 1): ParsedJson {
  const at = (offset: number | undefined, message: string): { issue: FileIssue } => {
    if (offset === undefined) return { issue: { file, path: '', message } };
    const { line, column } = positionInText(text, offset);
    return { issue: { file, line: line + firstLine - 1, column, path: '', message } };
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8 says where in most of its messages ("... in JSON at position 2"); the end of the text is where
    // "Unexpected end of JSON input" is.
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const offset = position !== undefined ? Number(position) : /end of JSON input/.test(message) ? text.length : undefined;
    const why = message.replace(/ (in|after) JSON at position \d+.*$/, '');
    return at(offset, `expected ${limits.noun}, found text that is not JSON (${why})`);
  }
  if (jsonDepth(data, limits.maxDepth) > limits.maxDepth)
    return at(offsetPastDepth(text, limits.maxDepth), `expected ${limits.noun}, found nesting deeper than ${limits.maxDepth} levels`);
  return { data };
}

/** Levels of objects and arrays in a parsed value, walked without recursion; stops counting past `limit`. */
function jsonDepth(root: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (value === null || typeof value !== 'object') continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return max;
}

/** The offset of the bracket that opens level `maxDepth + 1`, strings skipped. */
function offsetPastDepth(text: string, maxDepth: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote, escapes skipped.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return 0;
}
