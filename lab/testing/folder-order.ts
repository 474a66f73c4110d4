/**
 * The README's architecture table as a rule, checked against the imports: the folders of lab/ in the
 * table's order, each importing only folders listed before it, or leaves (rows whose concept begins with
 * "a leaf": they import no other folder of lab). The rule is read from the README itself, so the table and
 * the imports cannot drift apart. A total order leaves no room for a cycle.
 *
 * Tests and test infrastructure (`*.test.ts`, `testing/` and `e2e/` folders) may import any folder, since a
 * test of one folder often runs the whole program; product code must never import them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface TableRow {
  folder: string;
  leaf: boolean;
}

export interface FolderImport {
  /** The importing file, relative to lab/. */
  file: string;
  specifier: string;
  /** The importing file's top folder, and the imported file's; undefined when it lies outside lab/. */
  from: string;
  to: string | undefined;
  /** The importing file is a test or test infrastructure. */
  test: boolean;
  /** The imported file is a test or test infrastructure. */
  toTest: boolean;
}

/** The `lab/<folder>/` rows of the README's "Architecture" section, in their order. */
export function architectureTable(readme: string): TableRow[] {
  const start = readme.search(/^## Architecture\b/m);
  if (start < 0) return [];
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows: TableRow[] = [];
  for (const match of section.matchAll(/^\| `lab\/([^`/]+)\/` \| *([^|\n]*)/gm)) {
    rows.push({ folder: match[1]!, leaf: /^a leaf\b/i.test(match[2]!.trim()) });
  }
  return rows;
}

const SOURCE = /\.(ts|mts|mjs|js)$/;
const TEST_FILE = /\.test\.ts$/;
const TEST_FOLDER = /(^|\/)(testing|e2e)(\/|$)/;

export function isTestCode(pathFromRoot: string): boolean {
  return TEST_FILE.test(pathFromRoot) || TEST_FOLDER.test(pathFromRoot);
}

/** lab/'s top folders as they are on disk (the build's output excluded). */
export function labFolders(labDir: string): string[] {
  return readdirSync(labDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'dist')
    .map((e) => e.name)
    .sort();
}

/** Every relative import (static, dynamic, type-only, re-export) of every source file under lab/. */
export function labImports(labDir: string): FolderImport[] {
  const root = dirname(labDir);
  const out: FolderImport[] = [];
  for (const path of sources(labDir)) {
    const file = relative(labDir, path).split(sep).join('/');
    const from = file.split('/')[0]!;
    const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(path), specifier);
      const inLab = relative(labDir, target).split(sep).join('/');
      const to = inLab.startsWith('..') ? undefined : inLab.split('/')[0];
      const toTest = isTestCode(relative(root, target).split(sep).join('/'));
      out.push({ file, specifier, from, to, test: isTestCode(file), toTest });
    }
  }
  return out;
}

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(path));
    else if (SOURCE.test(entry.name)) found.push(path);
  }
  return found;
}

/** Every way the imports and the folders on disk break the table's order; empty when they keep it. */
export function folderOrderProblems(table: TableRow[], folders: string[], imports: FolderImport[]): string[] {
  const problems: string[] = [];
  const position = new Map(table.map((row, i) => [row.folder, i]));
  const leaves = new Set(table.filter((row) => row.leaf).map((row) => row.folder));
  for (const folder of folders)
    if (!position.has(folder)) problems.push(`lab/${folder}/ has no row in the README's architecture table. Fix: add one where its imports allow.`);
  for (const row of table)
    if (!folders.includes(row.folder))
      problems.push(`the README's architecture table names lab/${row.folder}/, which does not exist. Fix: remove or rename its row.`);
  for (const i of imports) {
    if (i.test) continue;
    const at = `lab/${i.file} imports '${i.specifier}'`;
    if (i.toTest) {
      problems.push(`${at}: product code imports a test or test infrastructure. Fix: move what it needs out of the test code.`);
      continue;
    }
    if (i.to === undefined) {
      problems.push(`${at}, outside lab/. Fix: lab's TypeScript imports only lab/ and packages.`);
      continue;
    }
    if (i.to === i.from) continue;
    if (leaves.has(i.from)) {
      problems.push(
        `${at}: lab/${i.from}/ is a leaf in the README's architecture table and imports no other folder. Fix: move that code, or stop calling lab/${i.from}/ a leaf.`,
      );
      continue;
    }
    if (leaves.has(i.to)) continue;
    const from = position.get(i.from);
    const to = position.get(i.to);
    if (from === undefined || to === undefined) continue;
    if (to > from)
      problems.push(
        `${at}: lab/${i.to}/ is listed after lab/${i.from}/ in the README's architecture table, so lab/${i.from}/ may not import it. Fix: move the shared code into a folder listed before lab/${i.from}/ (or a leaf).`,
      );
  }
  return problems;
}
