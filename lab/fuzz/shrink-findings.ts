/**
 * After the search: each distinct sighting, first seen first, shrunk to a case on the first worker's
 * target (shrink.ts); then findings.yaml, written, run to confirm each case, and written again with what
 * the run showed.
 */
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-file.js';
import type { ExpandedSuite } from '../suite/case.js';
import { hexCode } from '../suite/ioctl-code.js';
import type { RawSuite } from '../suite/schema.js';
import type { CaseResult } from '../verdict/case-result.js';
import { confirmFindings } from './confirm-findings.js';
import { caseYaml, findingsYaml, type FindingCase } from './findings-yaml.js';
import { totalCalls, type FuzzOp } from './fuzz-op.js';
import type { FuzzProgress } from './fuzz-progress.js';
import type { FindingReport, SightingReport } from './fuzz-report.js';
import type { FuzzWorker } from './fuzz-sessions.js';
import { batchAt, type FuzzPlan } from './generate.js';
import { shrink } from './shrink.js';
import { crashSite, type Sighting } from './sighting.js';
import { Trials } from './trials.js';

/** A sighting as the search recorded it: its first batch, when, and the batches before it in its session. */
export interface SeenSighting {
  sighting: Sighting;
  batch: number;
  worker: number;
  atMs: number;
  afterCalls: number;
  count: number;
  history: number[];
}

export interface ShrinkFindingsInput {
  suite: ExpandedSuite;
  raw: RawSuite;
  plan: FuzzPlan;
  worker: FuzzWorker;
  outDir: string;
  schemaPath?: string;
  hangMs: number;
  /** Time for all of it. */
  shrinkMs: number;
  signal: AbortSignal;
  progress: FuzzProgress;
}

/** Each distinct sighting, first seen first, shrunk on the first worker's target; then findings.yaml, written and run. */
export async function shrinkFindings(
  input: ShrinkFindingsInput,
  seen: Iterable<SeenSighting>,
): Promise<{ findings: FindingReport[]; notReproduced: SightingReport[] }> {
  const { progress, plan, worker } = input;
  const findings: FindingReport[] = [];
  const notReproduced: SightingReport[] = [];
  const deadline = AbortSignal.timeout(input.shrinkMs);
  const cases: FindingCase[] = [];
  const shrunk: Array<{ finding: FindingReport; kind: Sighting['kind'] }> = [];
  const order = [...seen].sort((a, b) => a.atMs - b.atMs);
  for (const s of order) {
    const base: SightingReport = {
      kind: s.sighting.kind,
      summary: s.sighting.summary,
      first: { batch: s.batch, worker: s.worker, atMs: s.atMs, afterCalls: s.afterCalls },
      seen: s.count,
      ...(s.sighting.evidence ? { evidence: s.sighting.evidence } : {}),
      ...(s.sighting.problem ? { problem: s.sighting.problem } : {}),
    };
    if (input.signal.aborted) break;
    if (deadline.aborted) {
      notReproduced.push({ ...base, summary: `${base.summary} (not shrunk: the time for shrinking ran out)` });
      continue;
    }
    progress.line(`lab fuzz: shrinking ${s.sighting.kind} from batch ${s.batch}: ${s.sighting.summary.split('\n')[0]}`);
    const image = basename(input.suite.driver.image);
    const trials = new Trials(worker, plan.space.names, input.hangMs, deadline, image);
    const batch = batchAt(plan, s.batch).ops;
    const history = s.history.map((b) => batchAt(plan, b).ops);
    const outcome = await shrink(trials, s.sighting, batch, history);
    if (!outcome.reproduced) {
      progress.line(`  not reproduced from a fresh load of the driver (${trials.count} trials)`);
      notReproduced.push(base);
      continue;
    }
    const id = `F${cases.length + 1}`;
    const evidence = outcome.result?.evidence;
    const site = s.sighting.kind === 'crash' ? crashSite(evidence ?? s.sighting.evidence, image) : undefined;
    const finding: FindingReport = {
      ...base,
      id,
      ...(site ? { site } : {}),
      minimized: { calls: totalCalls(outcome.ops), yaml: '', steps: outcome.steps, trials: trials.count, ...(evidence ? { evidence } : {}) },
      confirmed: false,
      confirmation: 'not run',
    };
    cases.push(findingCase(id, s, outcome.ops, plan, input.hangMs, evidence));
    shrunk.push({ finding, kind: s.sighting.kind });
    progress.line(`  ${id}: ${describeOps(outcome.ops, plan.space.names)} (${trials.count} trials)`);
  }
  if (cases.length === 0) return { findings, notReproduced };

  const file = join(input.outDir, 'findings.yaml');
  const write = () =>
    writeFileAtomic(
      file,
      findingsYaml({
        suite: input.suite,
        raw: input.raw,
        names: plan.space.names,
        dir: input.outDir,
        ...(input.schemaPath ? { schemaPath: input.schemaPath } : {}),
        header: [
          `lab fuzz findings for ${input.suite.file} (suite ${input.suite.name}), seed ${plan.seed}.`,
          'Each case fails on the driver it was found on and passes once the defect is fixed: `lab run` this file to',
          'replay them all, or paste a case into the suite to keep it.',
        ],
        cases,
      }),
    );
  write();
  if (!input.signal.aborted) {
    progress.line(`lab fuzz: confirming ${cases.length} finding${cases.length === 1 ? '' : 's'} by running findings.yaml`);
    const confirmations = await confirmFindings(
      worker,
      file,
      shrunk.map((s) => s.kind),
      { kind: worker.target.kind, name: worker.target.name },
    );
    confirmations.forEach((c, i) => {
      shrunk[i]!.finding.confirmed = c.confirmed;
      shrunk[i]!.finding.confirmation = c.text;
      if (!c.confirmed) cases[i]!.comments.push(`NOT CONFIRMED: ${c.text}`);
      progress.line(`  ${shrunk[i]!.finding.id}: ${c.confirmed ? 'confirmed' : 'NOT confirmed'}: ${c.text}`);
    });
    write();
  }
  shrunk.forEach((s, i) => {
    s.finding.minimized.yaml = caseYaml(cases[i]!, plan.space.names).join('\n');
    findings.push(s.finding);
  });
  return { findings, notReproduced };
}

function findingCase(id: string, s: SeenSighting, ops: FuzzOp[], plan: FuzzPlan, hangMs: number, evidence: CaseResult['evidence']): FindingCase {
  const what = describeOps(ops, plan.space.names);
  const comments = [
    `${id}: ${s.sighting.kind}, found by lab fuzz --seed ${plan.seed} in batch ${s.batch} (${(s.atMs / 1000).toFixed(1)} s in), seen in ${s.count} batch${s.count === 1 ? '' : 'es'}`,
  ];
  const ev = evidence ?? s.sighting.evidence;
  if (s.sighting.problem) comments.push(`rule broken: ${s.sighting.problem}`);
  if (ev) {
    comments.push(`fault: ${ev.signature}`);
    const frames = (ev.backtrace ?? '')
      .split('\n')
      .filter((l) => /^\s*=?>?\s*\d+\s/.test(l))
      .slice(0, 8);
    if (frames.length) comments.push('backtrace:', ...frames.map((f) => `  ${f.trim()}`));
    if (ev.lastLines.length) comments.push('debug lines before it:', ...ev.lastLines.slice(-6).map((l) => `  ${l}`));
  }
  return {
    id,
    name: `fuzz ${id} ${s.sighting.kind}: ${what}`.slice(0, 200),
    description: `lab fuzz --seed ${plan.seed} (batch ${s.batch}): ${s.sighting.summary.split('\n')[0]}`.slice(0, 4000),
    ops,
    ...(s.sighting.kind === 'hang' ? { timeoutMs: hangMs } : {}),
    comments,
  };
}

/** "READ outLength 5121", "REFLECT input 666, then READ ...": a short name for a sequence. */
function describeOps(ops: FuzzOp[], names: ReadonlyMap<number, string>): string {
  const calls = ops.flatMap((op) =>
    op.kind === 'par'
      ? [`${op.threads} threads of ${op.ops.filter((o) => o.kind === 'ioctl').length} call(s)`]
      : op.kind === 'ioctl'
        ? [`${names.get(op.code) ?? hexCode(op.code)} in ${op.input.length} out ${op.outLength}`]
        : [],
  );
  const shown = calls.slice(0, 3).join(', then ');
  return calls.length > 3 ? `${shown} (+${calls.length - 3} more)` : shown || `${ops.length} open/close`;
}
