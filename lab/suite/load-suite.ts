import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isScalar, LineCounter, parseDocument, visit, type YAMLError, type Document, type Node } from 'yaml';
import { UsageError } from '../errors/lab-error.js';
import { suiteJsonSchema, schemaFieldsAt } from './json-schema.js';
import { checkRules } from './rules.js';
import { explainIssues } from './schema-issues.js';
import { SuiteSchema, type RawSuite } from './schema.js';
import { SourceMap } from './source-map.js';
import { formatPath, SuiteError, type SuiteIssue } from './suite-error.js';

/** Suites are hand-written; anything bigger is a mistake or an attack, and parsing it would cost seconds. */
export const MAX_SUITE_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 64;
const MAX_ALIASES = 100;

export interface LoadedSuite {
  /** The path as the user gave it (used in messages). */
  file: string;
  /** Folder the suite's relative paths are resolved against. */
  dir: string;
  raw: RawSuite;
  source: SourceMap;
}

/**
 * Reads a suite in three steps (bytes → YAML → schema → rules) and throws one SuiteError listing every
 * problem with file:line:column, or returns the validated suite. Time and memory stay bounded for hostile
 * files: size is checked before reading, aliases are capped, nesting depth is checked before conversion.
 */
export async function loadSuite(path: string): Promise<LoadedSuite> {
  const file = displayPath(path);
  const at1 = (message: string): SuiteError => new SuiteError([{ file, line: 1, column: 1, path: '', message }]);

  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw at1('expected a YAML file, found a folder or device');
    size = info.size;
  } catch (error) {
    if (error instanceof SuiteError) throw error;
    throw new UsageError('LAB_SUITE_NOT_FOUND', `${file}: no such suite file. Fix: check the path (suites live in suites/, e.g. suites/echo.yaml).`);
  }
  if (size > MAX_SUITE_BYTES) throw at1(`expected a suite of at most ${MAX_SUITE_BYTES / 1024 / 1024} MiB, found ${(size / 1024 / 1024).toFixed(1)} MiB; generate large suites with matrix parameters instead`);

  const bytes = await readFile(path);
  const text = decodeText(bytes, file);
  const lines = new LineCounter();
  let doc: Document;
  try {
    // The library's own duplicate-key check compares every key with every other (40,000 keys took 22 s);
    // duplicateKeyIssue below does it with one set per mapping.
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, strict: true });
  } catch (error) {
    throw at1(`expected YAML, found text the parser could not handle (${(error as Error).message})`);
  }
  const source = new SourceMap(doc, lines);
  if (doc.errors.length > 0) throw new SuiteError(doc.errors.map((e) => yamlIssue(e, file)));
  const duplicate = duplicateKeyIssue(doc, source, file);
  if (duplicate) throw new SuiteError([duplicate]);
  const depth = nestingDepth(doc.contents);
  if (depth > MAX_DEPTH) throw at1(`expected nesting at most ${MAX_DEPTH} levels deep, found ${depth}`);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw at1(`expected a suite without alias explosions, found ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw at1(`expected a mapping with \`suite\`, \`driver\` and \`cases\`, found ${data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : typeof data}`);
  }

  const parsed = SuiteSchema.safeParse(data);
  if (!parsed.success) {
    const issues = explainIssues(parsed.error.issues, data, (path) => schemaFieldsAt(data, path)).map((i) => located(source, file, i.path, i.message, i.key));
    throw new SuiteError(sortIssues(issues));
  }
  const loaded: LoadedSuite = { file, dir: dirname(resolve(path)), raw: parsed.data, source };
  const ruleIssues = checkRules(parsed.data).map((i) => located(source, file, i.path, i.message, i.key));
  if (ruleIssues.length > 0) throw new SuiteError(sortIssues(ruleIssues));
  return loaded;
}

export function located(source: SourceMap, file: string, path: PropertyKey[], message: string, key?: string): SuiteIssue {
  const { line, column } = source.locate(path, key);
  const shownPath = key !== undefined ? formatPath([...path, key]) : formatPath(path);
  return { file, line, column, path: shownPath, message };
}

function sortIssues(issues: SuiteIssue[]): SuiteIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function yamlIssue(error: YAMLError, file: string): SuiteIssue {
  const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
  const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? error.message;
  return { file, line: pos.line, column: pos.col, path: '', message: `expected valid YAML, found an error: ${message}` };
}

/** The first key written twice in one mapping, at its second occurrence; linear in the number of keys. */
function duplicateKeyIssue(doc: Document, source: SourceMap, file: string): SuiteIssue | undefined {
  let found: SuiteIssue | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key === undefined) continue;
        if (seen.has(key) && !found) {
          const at = source.at((pair.key as Node).range?.[0] ?? 0);
          found = { file, ...at, path: '', message: `expected unique keys, found \`${String(key)}\` twice in one mapping` };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** Strict UTF-8 with no NUL bytes; otherwise the position of the first bad byte. */
function decodeText(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  const fail = (offset: number, what: string): never => {
    const before = Buffer.from(bytes.subarray(0, offset)).toString('utf8');
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new SuiteError([{ file, line, column: Math.max(1, column), path: '', message: `expected UTF-8 text, found ${what}` }]);
  };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (nul >= 0) fail(nul, 'a NUL byte (is this a binary file?)');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    if (error instanceof SuiteError) throw error;
    return fail(firstInvalidUtf8(bytes), 'a byte sequence that is not UTF-8 (is this a binary file?)');
  }
}

/** Largest prefix that decodes (streaming, so a prefix cut inside a character is not an error), then back to the start of the bad sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = longestStreamingPrefix(bytes);
  const decodes = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  for (let back = 0; back < 4 && at > 0 && !decodes(at); back++) at--;
  return at;
}

function longestStreamingPrefix(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Depth of the YAML node tree, walked without recursion so a hostile file cannot overflow the stack. */
function nestingDepth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (depth > MAX_DEPTH) return depth;
    const items = (node as { items?: unknown[] } | null)?.items;
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const pair = item as { key?: unknown; value?: unknown };
      if (pair && typeof pair === 'object' && 'value' in pair && 'key' in pair) stack.push([pair.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return max;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}

export { suiteJsonSchema };
