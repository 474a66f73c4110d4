/**
 * report.json's schema as a reader checks it (zod): every field lab's own readers rely on has its type,
 * statuses and blames are the known ones, and fields this lab does not know pass through untouched, so an
 * older report (no `waived`, no `gate`) and a newer one (fields added since) both read. The types in
 * run-report.ts and verdict/case-result.ts stay the writer's; the checks below fail to compile when a status,
 * blame or gate class is added there and not here, or when what a status carries changes there.
 */
import { z } from 'zod';
import type { Blame, CaseCommon, CaseResult, CaseStatus, GateClass } from '../verdict/case-result.js';
import { REPORT_SCHEMA_VERSION, type RunStatus } from './run-report.js';

export const CASE_STATUSES = ['passed', 'failed', 'crashed', 'hung', 'skipped', 'error', 'flaky', 'waived', 'inconclusive'] as const;
export const BLAMES = ['product', 'test', 'harness', 'target'] as const;
export const RUN_STATUSES = ['passed', 'failed', 'error', 'interrupted'] as const;
export const GATE_CLASSES = ['regression', 'fixed', 'still-failing', 'new', 'removed', 'waived', 'unchanged', 'not-run'] as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const lists: [
  Same<(typeof CASE_STATUSES)[number], CaseStatus>,
  Same<(typeof BLAMES)[number], Blame>,
  Same<(typeof RUN_STATUSES)[number], RunStatus>,
  Same<(typeof GATE_CLASSES)[number], GateClass>,
] = [true, true, true, true];
void lists;

/**
 * What a case of each status carries besides the fields every case has (verdict/case-result.ts's union),
 * as lab has always written it: a failure without its blame, a waived case without its waiver, was not
 * written by lab, and its readers (the gate, reruns, the kill matrix) rely on them. Checked against the
 * union at compile time.
 */
const CARRIED = {
  passed: [],
  skipped: ['message'],
  flaky: ['message', 'attempts'],
  failed: ['blame', 'message'],
  crashed: ['blame', 'message'],
  hung: ['blame', 'message'],
  error: ['blame', 'message'],
  waived: ['blame', 'message', 'waiver'],
  inconclusive: ['blame', 'message', 'targetGap'],
} as const satisfies Record<CaseStatus, readonly string[]>;

/** The case results of status S, and the fields they have that not every case has. */
type WithStatus<S> = CaseResult extends infer C ? (C extends { status: infer T } ? (S extends T ? C : never) : never) : never;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type Carried<S extends CaseStatus> = Exclude<RequiredKeys<WithStatus<S>>, keyof CaseCommon | 'status'>;
const carried: { [S in CaseStatus]: Same<(typeof CARRIED)[S][number], Carried<S>> } = {
  passed: true,
  skipped: true,
  flaky: true,
  failed: true,
  crashed: true,
  hung: true,
  error: true,
  waived: true,
  inconclusive: true,
};
void carried;

const text = z.string();
const count = z.number().int().min(0);
const lines = z.array(text);
const Status = z.enum(CASE_STATUSES);
const BlameSchema = z.enum(BLAMES);

const StepSchema = z.looseObject({
  index: z.number().int(),
  kind: text,
  ioctl: z.number().optional(),
  ioctlName: text.optional(),
  inLength: z.number().optional(),
  outLength: z.number().optional(),
  error: z.number().nullable(),
  bytesReturned: z.number().optional(),
  elapsedUs: z.number().optional(),
  output: text.optional(),
  implicit: z.boolean().optional(),
  expected: z.record(z.string(), z.unknown()).optional(),
  ok: z.boolean(),
  problems: lines.optional(),
  diff: z.looseObject({ firstDifference: z.number(), expectedLength: z.number(), actualLength: z.number(), text }).optional(),
  parallel: z.looseObject({ threads: z.number(), iterations: z.number(), sub: z.array(z.looseObject({ kind: text })) }).optional(),
  exitCode: z.number().nullable().optional(),
  stdout: text.optional(),
  async: text.optional(),
});

export const CaseSchema = z
  .looseObject({
    index: z.number().int().min(0).optional(),
    id: text.min(1),
    name: text.optional(),
    status: Status,
    blame: BlameSchema.optional(),
    durationMs: z.number().min(0).optional(),
    message: text.optional(),
    steps: z.array(StepSchema).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    source: text.optional(),
    log: z.looseObject({ debug: lines, driverLog: lines, truncated: z.boolean().optional() }).optional(),
    evidence: z
      .looseObject({ signature: text, exitCode: z.number().optional(), backtrace: text.optional(), lastLines: lines, dumpPath: text.optional() })
      .optional(),
    attempts: z.array(z.looseObject({ status: Status, message: text.optional(), blame: BlameSchema.optional() })).optional(),
    waiver: z.looseObject({ status: Status, reason: text, link: text.optional(), expires: text, match: text, source: text }).optional(),
    gate: z.looseObject({ class: z.enum(GATE_CLASSES), baselineStatus: Status.optional() }).optional(),
    targetGap: z
      .looseObject({
        functions: lines,
        detail: text,
        runOn: text,
        was: z.looseObject({ status: Status, blame: BlameSchema.optional(), message: text.optional() }),
      })
      .optional(),
  })
  .check((ctx) => {
    const c = ctx.value;
    for (const field of CARRIED[c.status]) {
      if (c[field] !== undefined) continue;
      if (field === 'blame') ctx.issues.push({ code: 'invalid_value', values: [...BLAMES], input: undefined, path: [field] });
      else
        ctx.issues.push({
          code: 'invalid_type',
          expected: field === 'message' ? 'string' : field === 'attempts' ? 'array' : 'object',
          input: undefined,
          path: [field],
        });
    }
    if (c.status === 'inconclusive' && c.blame !== undefined && c.blame !== 'target')
      ctx.issues.push({ code: 'invalid_value', values: ['target'], input: c.blame, path: ['blame'] });
  });

const GateSectionSchema = z.looseObject({
  verdict: z.enum(['pass', 'fail']),
  reasons: lines,
  baseline: z.looseObject({ path: text, runId: text, suite: text, startedAt: text, status: text, driverSha256: text.optional() }).optional(),
  allowNewFailures: z.boolean(),
  counts: z.record(z.string(), count),
  regressions: lines,
  newFailures: lines,
  fixed: lines,
  removed: z.array(z.looseObject({ id: text, status: Status })),
});

export const ReportHeaderSchema = z.looseObject({
  schemaVersion: z.number().int().min(1, `a schemaVersion from 1 to ${REPORT_SCHEMA_VERSION}`).max(REPORT_SCHEMA_VERSION),
  runId: text.optional(),
  suite: text,
  suiteFile: text.optional(),
  target: text.optional(),
  targetKind: text.optional(),
  targetInfo: z.record(z.string(), text).optional(),
  status: z.enum(RUN_STATUSES),
  error: z.looseObject({ code: text, message: text }).optional(),
  startedAt: text.refine((s) => !Number.isNaN(Date.parse(s)), 'a date and time (ISO 8601)'),
  durationMs: z.number().min(0).optional(),
  driver: z.looseObject({ path: text, sha256: text, signed: z.boolean() }).optional(),
  client: z.looseObject({ path: text, sha256: text }).optional(),
  summary: z.looseObject({
    total: count,
    passed: count.optional(),
    failed: count.optional(),
    crashed: count.optional(),
    hung: count.optional(),
    skipped: count.optional(),
    error: count.optional(),
    flaky: count.optional(),
    waived: count.optional(),
    inconclusive: count.optional(),
  }),
  timings: z.record(z.string(), z.number()).optional(),
  warnings: lines.optional(),
  lab: z.looseObject({ version: text, node: text }).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  gate: GateSectionSchema.optional(),
});

export const ReportSchema = ReportHeaderSchema.extend({ cases: z.array(CaseSchema) });

/** Field names for "did you mean" hints in messages. */
export const REPORT_FIELDS = new Set([...Object.keys(ReportSchema.shape), ...Object.keys(CaseSchema.shape), ...Object.keys(StepSchema.shape)]);
