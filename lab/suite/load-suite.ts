import type { ConfigFormat } from '../config-file/config-format.js';
import { loadYamlFile } from '../config-file/load-config-file.js';
import type { SourceMap } from '../config-file/source-map.js';
import { UsageError } from '../errors/lab-error.js';
import { checkRules } from './rules.js';
import { SuiteSchema, type RawSuite } from './schema.js';
import { SuiteError } from './suite-error.js';
import { inSuiteWords, suiteHints } from './suite-hints.js';

/** Suites are hand-written; anything bigger is a mistake or an attack, and parsing it would cost seconds. */
export const MAX_SUITE_BYTES = 4 * 1024 * 1024;

export interface LoadedSuite {
  /** The path as the user gave it (used in messages). */
  file: string;
  /** Folder the suite's relative paths are resolved against. */
  dir: string;
  raw: RawSuite;
  source: SourceMap;
}

const SUITE_FILE: ConfigFormat<RawSuite> = {
  noun: 'a suite',
  maxBytes: MAX_SUITE_BYTES,
  tooBigFix: 'generate large suites with matrix parameters instead',
  maxDepth: 64,
  topLevel: 'a mapping with `suite`, `driver` and `cases`',
  schema: SuiteSchema,
  hints: suiteHints,
  reword: inSuiteWords,
  rules: checkRules,
  invalid: (issues, context) => new SuiteError(issues, context),
  missing: (file) => new UsageError('LAB_SUITE_NOT_FOUND', `${file}: no such suite file. Fix: check the path (suites live in suites/, e.g. suites/echo.yaml).`),
};

/**
 * Reads a suite (bytes → YAML → schema → rules) and throws one SuiteError listing every problem with
 * file:line:column, or returns the validated suite; bounded as every file lab reads (config-file/).
 */
export async function loadSuite(path: string): Promise<LoadedSuite> {
  const { file, dir, value, source } = await loadYamlFile(path, SUITE_FILE);
  return { file, dir, raw: value, source };
}
