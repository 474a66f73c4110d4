import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root/package-root.js';
import { errorCodesTable, tableIn, withTable } from './codes-table.js';
import { ERROR_CODES, isErrorCode } from './error-codes.js';
import { HarnessError, UsageError } from './lab-error.js';

const ROOT = packageRoot();
const codes = Object.keys(ERROR_CODES);

function productSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ['dist', 'testing', 'e2e', 'errors'].includes(e.name) ? [] : productSources(path);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}

describe('the registry of error codes', () => {
  it('is what the README lists (run `npm run codes` after changing it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(tableIn(readme)).toBe(errorCodesTable());
    expect(withTable(readme)).toBe(readme);
  });

  it('is in alphabetical order, one line per meaning, each code of the documented exit codes', () => {
    expect(codes).toEqual([...codes].sort());
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^LAB_[A-Z0-9_]+$/);
      expect(entry.meaning).toMatch(/^[^|\n]{10,}$/);
      expect([2, 3, 130]).toContain(entry.exit);
    }
  });

  it('holds no code that lab never gives', () => {
    const source = productSources(join(ROOT, 'lab'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(codes.filter((code) => !source.includes(`'${code}'`))).toEqual([]);
  });

  it('the error classes carry the exit code the registry gives their code', () => {
    expect(new UsageError('LAB_SUITE_NOT_FOUND', 'x').exitCode).toBe(ERROR_CODES.LAB_SUITE_NOT_FOUND.exit);
    expect(new HarnessError('LAB_WINE_MISSING', 'x').exitCode).toBe(ERROR_CODES.LAB_WINE_MISSING.exit);
    expect(isErrorCode('LAB_WINE_MISSING')).toBe(true);
    expect(isErrorCode('LAB_NO_SUCH_CODE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('a code missing from the registry, or given to the class of another exit code, does not compile', () => {
    const file = join(ROOT, 'lab', 'errors', 'uses-codes.ts');
    const text = [
      "import { HarnessError, UsageError } from './lab-error.js';",
      "new UsageError('LAB_SUITE_NOT_FOUND', 'registered, exit 2');",
      "new UsageError('LAB_NOT_REGISTERED', 'missing');",
      "new HarnessError('LAB_SUITE_NOT_FOUND', 'exit 2 given to the exit 3 class');",
    ].join('\n');
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (name) => (name === file ? text : read(name));
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || exists(name);
    const program = ts.createProgram([file], options, host);
    const lines = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
    expect(lines).toEqual([3, 4]);
  });
});
