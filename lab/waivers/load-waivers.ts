import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors/lab-error.js';
import { located } from '../suite/load-suite.js';
import { explainIssues, type RawIssue } from '../suite/schema-issues.js';
import { SourceMap } from '../suite/source-map.js';
import type { SuiteIssue } from '../suite/suite-error.js';
import { parseCasePattern } from '../suite/case-pattern.js';
import type { Waiver, WaiverList } from './waiver.js';
import { WAIVER_FIELDS, WaiversFileSchema, type WaiverEntry } from './waiver-schema.js';
import { WaiversError } from './waivers-error.js';

/** A waivers file is a hand-written list; anything bigger is a mistake. */
const MAX_BYTES = 1024 * 1024;
const MAX_ALIASES = 50;

/**
 * Reads a waivers file the way suites are read: YAML with positions → schema → rules, and one
 * WaiversError listing every problem as file:line:column: field: what was expected, what was found.
 */
export async function loadWaivers(path: string): Promise<WaiverList> {
  const file = displayPath(path);
  const at1 = (message: string) => new WaiversError([{ file, line: 1, column: 1, path: '', message }]);
  try {
    const info = await stat(path);
    if (!info.isFile()) throw at1('expected a YAML file, found a folder or device');
    if (info.size > MAX_BYTES) throw at1(`expected a waivers file of at most 1 MiB, found ${(info.size / 1024 / 1024).toFixed(1)} MiB`);
  } catch (error) {
    if (error instanceof WaiversError) throw error;
    throw new UsageError('LAB_WAIVERS_NOT_FOUND', `--waivers ${file}: no such file. Fix: check the path (see the README's "Waivers" section for the format).`);
  }

  const lines = new LineCounter();
  const doc = parseDocument(await readFile(path, 'utf8'), { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const source = new SourceMap(doc, lines);
  if (doc.errors.length > 0) {
    throw new WaiversError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        const message = e.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? e.message;
        return { file, line: pos.line, column: pos.col, path: '', message: `expected valid YAML, found an error: ${message}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw at1(`expected a waivers file without alias explosions, found ${(error as Error).message}`);
  }
  if (data === null || data === undefined) throw at1('expected a mapping with a `waivers` list, found an empty document');

  const parsed = WaiversFileSchema.safeParse(data);
  const locate = (i: RawIssue): SuiteIssue => located(source, file, i.path, i.message, i.key);
  if (!parsed.success) throw new WaiversError(sorted(explainIssues(parsed.error.issues, data, WAIVER_FIELDS).map(locate)));

  const issues: SuiteIssue[] = [];
  const waivers: Waiver[] = [];
  parsed.data.waivers.forEach((entry, i) => {
    const at = source.locate(['waivers', i]);
    const made = toWaiver(entry, `${file}:${at.line}:${at.column}`);
    if ('issue' in made) issues.push(locate({ path: ['waivers', i, ...(made.issue.field ? [made.issue.field] : [])], message: made.issue.message }));
    else waivers.push(made);
  });
  if (issues.length > 0) throw new WaiversError(sorted(issues));
  return { file, waivers };
}

/** The rules the schema cannot say: exactly one of `case` and `pattern`, and a pattern that compiles. */
function toWaiver(entry: WaiverEntry, source: string): Waiver | { issue: { field?: string; message: string } } {
  if ((entry.case === undefined) === (entry.pattern === undefined)) {
    return { issue: { message: `expected exactly one of \`case\` (a case id) and \`pattern\` (a glob or /regex/ over case ids), found ${entry.case === undefined ? 'neither' : 'both'}` } };
  }
  let matches: (id: string) => boolean;
  if (entry.case !== undefined) {
    const id = entry.case;
    matches = (other) => other === id;
  } else {
    // A waiver's pattern must match the whole case id (case-pattern.ts): it covers only what it names.
    const pattern = parseCasePattern(entry.pattern!);
    if ('error' in pattern) return { issue: { field: 'pattern', message: `${pattern.error}, found ${JSON.stringify(entry.pattern)}` } };
    matches = pattern.matches;
  }
  return {
    match: entry.case ?? entry.pattern!,
    matches,
    reason: entry.reason,
    ...(entry.link ? { link: entry.link } : {}),
    expires: entry.expires,
    statuses: entry.status === undefined ? ['failed'] : Array.isArray(entry.status) ? entry.status : [entry.status],
    source,
  };
}

function sorted(issues: SuiteIssue[]): SuiteIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}
