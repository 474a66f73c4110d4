import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root/package-root.js';
import { architectureTable, folderOrderProblems, labFolders, labImports, type FolderImport } from './folder-order.js';

const LAB = join(packageRoot(), 'lab');
const README = readFileSync(join(packageRoot(), 'README.md'), 'utf8');

function anImport(file: string, specifier: string, to: string | undefined, extra: Partial<FolderImport> = {}): FolderImport {
  return { file, specifier, from: file.split('/')[0]!, to, test: false, toTest: false, ...extra };
}

describe("the folders of lab/ keep the order of the README's architecture table", () => {
  it('every product import goes to a folder listed before its own, or to a leaf', () => {
    const table = architectureTable(README);
    expect(table.length).toBeGreaterThan(20);
    expect(folderOrderProblems(table, labFolders(LAB), labImports(LAB))).toEqual([]);
  });

  it('reads the imports the order is about: static, type-only, dynamic and re-exports', () => {
    const imports = labImports(LAB);
    const from = (file: string) => imports.filter((i) => i.file === file).map((i) => i.specifier);
    // cli/main.ts loads its commands with import() and types them with typeof import().
    expect(from('cli/main.ts')).toContain('./commands/run.js');
    expect(from('guest/plan.ts')).toContain('../suite/case.js');
    expect(imports.find((i) => i.file === 'guest/plan.ts' && i.specifier === '../suite/case.js')).toMatchObject({ from: 'guest', to: 'suite', test: false });
  });
});

describe('folderOrderProblems', () => {
  const table = [
    { folder: 'text', leaf: true },
    { folder: 'suite', leaf: false },
    { folder: 'verdict', leaf: false },
  ];
  const folders = ['suite', 'text', 'verdict'];

  it('accepts imports down the table and into leaves', () => {
    expect(
      folderOrderProblems(table, folders, [
        anImport('verdict/judge.ts', '../suite/case.js', 'suite'),
        anImport('suite/a.ts', '../text/visible.js', 'text'),
        anImport('suite/a.ts', './b.js', 'suite'),
      ]),
    ).toEqual([]);
  });

  it('names an import up the table, with the file and the fix', () => {
    expect(folderOrderProblems(table, folders, [anImport('suite/case.ts', '../verdict/judge.js', 'verdict')])).toEqual([
      "lab/suite/case.ts imports '../verdict/judge.js': lab/verdict/ is listed after lab/suite/ in the README's architecture table, so lab/suite/ may not import it. Fix: move the shared code into a folder listed before lab/suite/ (or a leaf).",
    ]);
  });

  it('a leaf that imports another folder is no leaf', () => {
    expect(folderOrderProblems(table, folders, [anImport('text/visible.ts', '../suite/case.js', 'suite')])[0]).toMatch(
      /lab\/text\/ is a leaf .* imports no other folder/,
    );
  });

  it('product code may not import tests or test infrastructure; tests may import anything', () => {
    expect(folderOrderProblems(table, folders, [anImport('suite/a.ts', '../testing/wine.js', 'testing', { toTest: true })])[0]).toMatch(
      /product code imports a test/,
    );
    expect(folderOrderProblems(table, folders, [anImport('suite/a.test.ts', '../verdict/judge.js', 'verdict', { test: true })])).toEqual([]);
  });

  it('a folder without a row, and a row without a folder', () => {
    expect(folderOrderProblems(table, [...folders, 'fuzz'], [])).toEqual([
      "lab/fuzz/ has no row in the README's architecture table. Fix: add one where its imports allow.",
    ]);
    expect(folderOrderProblems(table, ['suite', 'text'], [])).toEqual([
      "the README's architecture table names lab/verdict/, which does not exist. Fix: remove or rename its row.",
    ]);
  });

  it('reads the rows of the architecture section only, leaves marked', () => {
    const readme = [
      '## Other',
      '| `lab/ignored/` | not this one |',
      '## Architecture: where',
      '| folder | concept |',
      '|---|---|',
      '| `lab/text/` | a leaf: text |',
      '| `lab/suite/` | suites |',
      '| `driver/x/` | C |',
      '## Speed',
      '| `lab/after/` | no |',
    ].join('\n');
    expect(architectureTable(readme)).toEqual([
      { folder: 'text', leaf: true },
      { folder: 'suite', leaf: false },
    ]);
  });
});
