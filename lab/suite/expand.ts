import { basename, resolve } from 'node:path';
import type { Case, CaseStep, DeployedFile, ExpandedSuite } from './case.js';
import { caseId, renderParam, slug } from './case-id.js';
import { toCaseStep, substitute, type CaseNames } from './expand-step.js';
import { ExpressionError, interpolate, isPlaceholder, resolvePlaceholder, type Params } from './expression.js';
import { addImplicitOpens, overlappedProblems } from './implicit-opens.js';
import { located } from '../config-file/source-map.js';
import type { FileIssue } from '../config-file/file-issue.js';
import type { LoadedSuite } from './load-suite.js';
import { combinationCount, combinations, MAX_EXPANDED_CASES } from './matrix.js';
import type { RawCase } from './schema.js';
import { excluded, skipReason, type TargetRef } from './skip-rules.js';
import { MAX_EXPANDED_STEPS, MAX_SUITE_CALLS, suiteWork } from './suite-work.js';
import { SuiteError } from './suite-error.js';

export interface ExpandOptions {
  /** Target kind and name, for per-target skips and onlys (`skip: { on: [wine], reason: ... }`). */
  target?: TargetRef;
  /** Overrides from the command line. */
  driverImage?: string;
  client?: string;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Templates → concrete cases: every matrix combination, placeholders resolved, payloads built, `when`
 * alternatives chosen, labels turned into step indexes, handles opened where the case relies on them.
 * Problems are collected per case and thrown together, each pointing at the template field.
 */
export function expandSuite(loaded: LoadedSuite, options: ExpandOptions = {}): ExpandedSuite {
  const { raw } = loaded;
  const issues: FileIssue[] = [];
  const total = raw.cases.reduce((n, c) => n + combinationCount(c.matrix), 0);
  if (total > MAX_EXPANDED_CASES) {
    throw new SuiteError([
      located(loaded.source, loaded.file, ['cases'], `expected at most ${MAX_EXPANDED_CASES} cases after matrix expansion, found ${total}`),
    ]);
  }
  const work = suiteWork(raw.cases);
  if (work.steps > MAX_EXPANDED_STEPS || work.calls > MAX_SUITE_CALLS) {
    const { index, combinations, steps, calls } = work.largest;
    const what =
      work.steps > MAX_EXPANDED_STEPS
        ? `at most ${MAX_EXPANDED_STEPS.toLocaleString('en')} steps after matrix expansion (cases × steps), found ${work.steps.toLocaleString('en')}`
        : `at most ${MAX_SUITE_CALLS.toLocaleString('en')} calls in the whole suite (parallel threads × iterations counted), found ${work.calls.toLocaleString('en')}`;
    throw new SuiteError([
      located(
        loaded.source,
        loaded.file,
        ['cases', index],
        `expected ${what}; this case makes ${combinations.toLocaleString('en')} cases of ${steps} steps (${calls.toLocaleString('en')} calls) each. Fix: narrow the matrix or split the suite`,
      ),
    ]);
  }
  const cases: Case[] = [];
  const ids = new Map<string, string>();
  raw.cases.forEach((template, ci) => {
    for (const params of combinations(template.matrix)) {
      if (excluded(template.exclude, params)) continue;
      const made = expandCase(loaded, template, ci, params, cases.length, options, issues);
      if (!made) continue;
      const first = ids.get(made.id);
      if (first) {
        issues.push(
          located(
            loaded.source,
            loaded.file,
            ['cases', ci, 'name'],
            `expected a unique case id, found \`${made.id}\` again (first at ${first}); rename the case or set \`id\``,
          ),
        );
        continue;
      }
      ids.set(made.id, made.source);
      cases.push(made);
    }
  });
  if (issues.length) throw new SuiteError(issues);
  const driver = raw.driver;
  const image = options.driverImage ? resolve(options.driverImage) : resolve(loaded.dir, driver.image);
  const clientPath = options.client ? resolve(options.client) : raw.client ? resolve(loaded.dir, raw.client) : undefined;
  if (!clientPath && cases.some((c) => c.steps.some((s) => s.kind === 'run' && s.program === undefined))) {
    throw new SuiteError([
      located(
        loaded.source,
        loaded.file,
        ['client'],
        'expected a `client` program for the `run` steps, found none; add `client:` to the suite, pass --client, or give the steps a `program`',
      ),
    ]);
  }
  return {
    name: raw.suite,
    file: loaded.file,
    driver: {
      image,
      service: driver.service ?? basename(image).replace(/\.sys$/i, ''),
      device: driver.device,
      ...(driver.log ? { log: driver.log } : {}),
    },
    ...(clientPath ? { client: clientPath } : {}),
    files: deployedFiles(loaded),
    cases,
  };
}

/** `files`, resolved against the suite's folder, each with the name it gets in the guest folder. */
export function deployedFiles(loaded: LoadedSuite): DeployedFile[] {
  return (loaded.raw.files ?? []).map((f) => {
    const from = typeof f === 'string' ? f : f.from;
    return { path: resolve(loaded.dir, from), name: typeof f === 'string' ? basename(from) : (f.as ?? basename(from)) };
  });
}

function expandCase(
  loaded: LoadedSuite,
  template: RawCase,
  ci: number,
  params: Params,
  index: number,
  options: ExpandOptions,
  issues: FileIssue[],
): Case | undefined {
  const { raw, source, file } = loaded;
  const casePath = ['cases', ci];
  const where = (path: PropertyKey[], message: string, key?: string) => issues.push(located(source, file, path, message, key));
  const suffix = Object.keys(params).length
    ? ` (with ${Object.entries(params)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')})`
    : '';
  try {
    const steps: CaseStep[] = [];
    const names: CaseNames = { labels: new Map(), asyncs: new Map(), next: 0 };
    let ok = true;
    template.steps.forEach((rawStep, si) => {
      const stepPath = [...casePath, 'steps', si];
      const concrete = substitute(rawStep, params, stepPath, where, suffix);
      const step = concrete && toCaseStep(concrete, raw, names, stepPath, where, params, suffix);
      if (!concrete || !step) {
        ok = false;
        return;
      }
      if (concrete.label) names.labels.set(concrete.label, steps.length);
      names.next += 1;
      steps.push(step);
    });
    if (!ok) return undefined;
    for (const p of overlappedProblems(steps)) {
      where([...casePath, 'steps', p.open, 'open'], `expected \`overlapped: true\`: step ${p.step} starts an \`async\` request on handle ${p.slot}${suffix}`);
      ok = false;
    }
    if (!ok) return undefined;
    const withOpens = addImplicitOpens(steps);
    const shown = Object.entries(params)
      .map(([k, v]) => `${k}=${renderParam(v)}`)
      .join(', ');
    const name = template.name.includes('${') ? interpolate(template.name, params) : template.name + (shown ? ` [${shown}]` : '');
    const skip = skipReason(template, params, options.target);
    const line = source.locate(casePath).line;
    const isolation = template.isolation ?? raw.isolation ?? 'suite';
    return {
      index,
      id: caseId(raw.suite, template.id ?? slug(template.name), params),
      name,
      params,
      timeoutMs: options.timeoutMs ?? numberOf(template.timeoutMs, params) ?? raw.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(skip ? { skip } : {}),
      tags: template.tags ?? [],
      ...(isolation === 'case' ? { fresh: true } : {}),
      ...(isolation === 'vm' ? { cleanTarget: true } : {}),
      steps: withOpens,
      source: `${file}:${line}`,
      template: ci,
    };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    where(casePath, `${error.message}${suffix}`);
    return undefined;
  }
}

function numberOf(value: unknown, params: Params): number | undefined {
  if (value === undefined) return undefined;
  const resolved = isPlaceholder(value) ? resolvePlaceholder(value as string, params) : value;
  if (typeof resolved !== 'number') throw new ExpressionError(`timeoutMs: expected a number, found ${JSON.stringify(resolved)}`);
  return resolved;
}
