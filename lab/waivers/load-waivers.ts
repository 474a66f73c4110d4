import type { ConfigFormat } from '../config-file/config-format.js';
import { loadYamlFile } from '../config-file/load-config-file.js';
import type { RawIssue } from '../config-file/schema-issues.js';
import { UsageError } from '../errors/lab-error.js';
import { parseCasePattern } from '../suite/case-pattern.js';
import type { WaiverList } from './waiver.js';
import { WAIVER_FIELDS, WaiversFileSchema, type WaiverEntry, type WaiversFile } from './waiver-schema.js';
import { WaiversError } from './waivers-error.js';

const WAIVERS_FILE: ConfigFormat<WaiversFile> = {
  noun: 'a waivers file',
  // A hand-written list; anything bigger is a mistake.
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  topLevel: 'a mapping with a `waivers` list',
  schema: WaiversFileSchema,
  hints: () => ({ fields: WAIVER_FIELDS }),
  rules: (file) => file.waivers.flatMap((entry, i) => waiverRule(entry, ['waivers', i])),
  invalid: (issues, context) => new WaiversError(issues, context),
  missing: (file) =>
    new UsageError('LAB_WAIVERS_NOT_FOUND', `--waivers ${file}: no such file. Fix: check the path (see the README's "Waivers" section for the format).`),
};

/**
 * Reads a waivers file as every file lab reads (config-file/): bounded, YAML with positions → schema →
 * rules, and one WaiversError listing every problem as file:line:column: field: what was expected, what
 * was found.
 */
export async function loadWaivers(path: string): Promise<WaiverList> {
  const { file, value, source } = await loadYamlFile(path, WAIVERS_FILE);
  const waivers = value.waivers.map((entry, i) => {
    const at = source.locate(['waivers', i]);
    const match = entry.case ?? entry.pattern!;
    return {
      match,
      matches: entry.case !== undefined ? (id: string) => id === match : compiled(match),
      reason: entry.reason,
      ...(entry.link ? { link: entry.link } : {}),
      expires: entry.expires,
      statuses: entry.status === undefined ? ['failed' as const] : Array.isArray(entry.status) ? entry.status : [entry.status],
      source: `${file}:${at.line}:${at.column}`,
    };
  });
  return { file, waivers };
}

/** The rules the schema cannot say: exactly one of `case` and `pattern`, and a pattern that compiles. */
function waiverRule(entry: WaiverEntry, path: PropertyKey[]): RawIssue[] {
  if ((entry.case === undefined) === (entry.pattern === undefined)) {
    return [
      {
        path,
        message: `expected exactly one of \`case\` (a case id) and \`pattern\` (a glob or /regex/ over case ids), found ${entry.case === undefined ? 'neither' : 'both'}`,
      },
    ];
  }
  const pattern = entry.pattern === undefined ? undefined : parseCasePattern(entry.pattern);
  if (pattern && 'error' in pattern) return [{ path: [...path, 'pattern'], message: `${pattern.error}, found ${JSON.stringify(entry.pattern)}` }];
  return [];
}

/** A waiver's pattern must match the whole case id (case-pattern.ts): it covers only what it names. Checked by waiverRule. */
function compiled(pattern: string): (id: string) => boolean {
  const parsed = parseCasePattern(pattern);
  if ('error' in parsed) throw new Error(`a waiver pattern passed its rule and does not compile: ${parsed.error}`);
  return parsed.matches;
}
