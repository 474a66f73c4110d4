import { dirname, resolve } from 'node:path';
import type { ConfigFormat, ContentFormat } from './config-format.js';
import { displayPath } from './display-path.js';
import { formatPath, sortIssues, type FileIssue } from './file-issue.js';
import { parseJson } from './parse-json.js';
import { parseYaml } from './parse-yaml.js';
import { readBounded } from './read-bounded.js';
import { explainIssues, type RawIssue } from './schema-issues.js';
import { located, type SourceMap } from './source-map.js';
import { positionInBytes } from './text-position.js';
import { decodeUtf8 } from './utf8-text.js';

export interface LoadedYaml<T> {
  /** The path as messages name it. */
  file: string;
  /** The folder the file's relative paths are resolved against. */
  dir: string;
  value: T;
  source: SourceMap;
}

export interface LoadedJson<T> {
  file: string;
  value: T;
}

export interface LoadContext {
  /** What named the file on the command line (`--baseline`), said before each message. */
  argument?: string;
}

/** YAML a person wrote: every problem comes back at once, each at its file:line:column. */
export async function loadYamlFile<T>(path: string, format: ConfigFormat<T>): Promise<LoadedYaml<T>> {
  const file = displayPath(path);
  const text = await readText(path, file, format, {});
  // Aliases may not make the data bigger than the largest file could hold without them (2 bytes a value).
  const parsed = parseYaml(text, file, { noun: format.noun, maxDepth: format.maxDepth, maxValues: Math.floor(format.maxBytes / 2) });
  if ('issues' in parsed) throw fail(format, parsed.issues, {});
  const { data, source } = parsed;
  const value = validate(data, file, format, {}, (i) => located(source, file, i.path, i.message, i.key));
  return { file, dir: dirname(resolve(path)), value, source };
}

/** JSON lab wrote and reads back as untrusted: problems of the text at line:column, of the schema by field. */
export async function loadJsonFile<T>(path: string, format: ConfigFormat<T>, context: LoadContext = {}): Promise<LoadedJson<T>> {
  const file = displayPath(path);
  return { file, value: checkJsonText(await readText(path, file, format, context), file, format, context) };
}

/**
 * JSON text already read, checked as loadJsonFile checks a file; `lineInFile` when it is one line of a JSON
 * Lines file (results.jsonl), so every problem names that line.
 */
export function checkJsonText<T>(text: string, file: string, format: ContentFormat<T>, context: LoadContext = {}, lineInFile?: number): T {
  const parsed = parseJson(text, file, { noun: format.noun, maxDepth: format.maxDepth }, lineInFile ?? 1);
  const line = lineInFile === undefined ? {} : { line: lineInFile };
  if ('issue' in parsed) throw fail(format, [{ ...line, ...parsed.issue }], context);
  return validate(parsed.data, file, format, context, (i) => ({
    file,
    ...line,
    path: formatPath(i.key !== undefined ? [...i.path, i.key] : i.path) || '(top level)',
    message: i.message,
  }));
}

async function readText<T>(path: string, file: string, format: ConfigFormat<T>, context: LoadContext): Promise<string> {
  const read = await readBounded(path, format.maxBytes, format.noun);
  if ('missing' in read) throw format.missing(file, read.missing, context.argument);
  if ('refused' in read)
    throw fail(format, [{ file, path: '', message: read.tooBig && format.tooBigFix ? `${read.refused}; ${format.tooBigFix}` : read.refused }], context);
  const decoded = decodeUtf8(read.bytes);
  if ('offset' in decoded)
    throw fail(format, [{ file, ...positionInBytes(read.bytes, decoded.offset), path: '', message: `expected UTF-8 text, found ${decoded.found}` }], context);
  return decoded.text;
}

/** Top level, the format's own checks, the schema, the rules: the first step with problems ends it. */
function validate<T>(data: unknown, file: string, format: ContentFormat<T>, context: LoadContext, locate: (issue: RawIssue) => FileIssue): T {
  const check = (issues: RawIssue[]): void => {
    if (issues.length > 0) throw fail(format, issues.map(locate), context);
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : typeof data;
    check([{ path: [], message: `expected ${format.topLevel}, found ${found}` }]);
  }
  check(format.inspect?.(data, { file, ...context }) ?? []);
  const parsed = format.schema.safeParse(data);
  if (!parsed.success) {
    const explained = explainIssues(parsed.error.issues, data, format.hints(data));
    check(format.reword ? explained.map((i) => ({ ...i, message: format.reword!(i, data) })) : explained);
    throw new Error(`zod refused the data without an issue: ${parsed.error.message}`);
  }
  const value = parsed.data as T;
  check(format.rules?.(value) ?? []);
  return value;
}

function fail<T>(format: ContentFormat<T>, issues: FileIssue[], context: LoadContext) {
  return format.invalid(sortIssues(issues), { ...context, ...(format.fix ? { fix: format.fix } : {}) });
}
