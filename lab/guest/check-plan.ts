/**
 * Every check the plan encoder makes (and through it, what the guest runner would refuse), run when the
 * suite is read: `lab list` and `lab run` exit 2 at file:line:column before any target starts, instead of
 * a plan the runner rejects in the middle of a run. The checks are the encoder's own (checkPlanCase,
 * checkPlanHeader), so a check added there is made here too.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors/lab-error.js';
import type { Case, ExpandedSuite } from '../suite/case.js';
import { sortIssues, type FileIssue } from '../config-file/file-issue.js';
import { located } from '../config-file/source-map.js';
import type { LoadedSuite } from '../suite/load-suite.js';
import type { RawStep } from '../suite/schema.js';
import { SuiteError } from '../suite/suite-error.js';
import { toGuestCase } from './from-case.js';
import { checkPlanCase, checkPlanHeader, PlanEncodeError } from './plan-encoder.js';
import type { GuestPlanHeader } from './plan.js';

/** Targets put the files in a folder of their own; any plain one stands for it here. */
const GUEST_FOLDER = 'C:\\lab\\';

export interface PlanOrigin {
  /** `--driver`, when the image came from the command line instead of the suite. */
  driver?: string;
}

export function checkPlan(loaded: LoadedSuite, suite: ExpandedSuite, origin: PlanOrigin = {}): void {
  const header: GuestPlanHeader = {
    device: suite.driver.device,
    driver: { service: suite.driver.service, imagePath: GUEST_FOLDER + basename(suite.driver.image) },
    ...(suite.driver.log !== undefined ? { logPath: suite.driver.log } : {}),
  };
  const issues: FileIssue[] = [];
  try {
    checkPlanHeader(header);
  } catch (error) {
    if (!(error instanceof PlanEncodeError)) throw error;
    issues.push(headerIssue(loaded, suite, error, origin));
  }
  const client = suite.client ? GUEST_FOLDER + basename(suite.client) : undefined;
  for (const c of suite.cases) {
    try {
      checkPlanCase(toGuestCase(c, { ...(client ? { client } : {}), file: (name) => GUEST_FOLDER + name }), header);
    } catch (error) {
      if (!(error instanceof PlanEncodeError)) throw error;
      issues.push(caseIssue(loaded, c, error));
    }
  }
  if (issues.length) throw new SuiteError(sortIssues(issues));
}

function headerIssue(loaded: LoadedSuite, suite: ExpandedSuite, error: PlanEncodeError, origin: PlanOrigin): FileIssue {
  // A service name the suite does not set is the image's file name: both come from the image then.
  const fromImage = error.field === 'driver.imagePath' || (error.field === 'driver.service' && loaded.raw.driver.service === undefined);
  const what =
    error.field === 'driver.imagePath'
      ? "the image's file name"
      : fromImage
        ? `the service name \`${suite.driver.service}\` taken from the image's file name`
        : 'it';
  if (fromImage && origin.driver) {
    throw new UsageError(
      'LAB_BAD_DRIVER_NAME',
      `--driver ${origin.driver}: the guest runner would refuse ${what}: it ${error.problem}. Fix: rename the file, or set driver.service in the suite.`,
    );
  }
  const path =
    error.field === 'device' ? ['driver', 'device'] : error.field === 'logPath' ? ['driver', 'log'] : fromImage ? ['driver', 'image'] : ['driver', 'service'];
  return located(
    loaded.source,
    loaded.file,
    path,
    `the guest runner would refuse ${what}: it ${error.problem}${fromImage && error.field === 'driver.service' ? '; set driver.service' : ''}`,
  );
}

function caseIssue(loaded: LoadedSuite, c: Case, error: PlanEncodeError): FileIssue {
  const base: PropertyKey[] = ['cases', c.template];
  const inCase = Object.keys(c.params).length ? ` (case ${c.id})` : '';
  if (error.field === 'id') {
    const template = loaded.raw.cases[c.template];
    return located(
      loaded.source,
      loaded.file,
      [...base, template?.id !== undefined ? 'id' : 'name'],
      `the case id \`${c.id}\` would be refused by the guest runner: it ${error.problem}`,
    );
  }
  const steps = stepPath(loaded.raw.cases[c.template]?.steps ?? [], error.field, c.steps.filter((s) => s.kind === 'open' && s.implicit).length);
  return located(loaded.source, loaded.file, [...base, ...steps], `the guest runner would refuse it: it ${error.problem}${inCase}`);
}

/** The encoder's field (`steps[3].steps[0].slot`) as the path in the suite file (`steps[2].steps[0].handle`). */
function stepPath(templates: readonly RawStep[], field: string, implicit: number): PropertyKey[] {
  const parts = [...field.matchAll(/([A-Za-z]+)(?:\[(\d+)\])?/g)].map((m) => ({ name: m[1]!, index: m[2] === undefined ? undefined : Number(m[2]) }));
  const path: PropertyKey[] = [];
  let list: readonly RawStep[] = templates;
  let shift = implicit; // the implicit opens come first in the case, not in the file
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.name === 'steps' && part.index !== undefined) {
      const at = part.index - shift;
      shift = 0;
      if (at < 0) return path.length ? path : ['steps'];
      path.push('steps', at);
      const step = list[at];
      if (!step) return path;
      const rest = parts.slice(i + 1);
      if (rest[0]?.name === 'steps' && 'parallel' in step) {
        list = step.steps as readonly RawStep[];
        continue;
      }
      return [
        ...path,
        ...fieldOf(
          step,
          rest.map((r) => r.name),
        ),
      ];
    }
  }
  return path;
}

/** An encoder field of a step as the step's key in the suite: `slot` is `handle`, `commandLine` is `run`. */
function fieldOf(step: RawStep, names: string[]): PropertyKey[] {
  const [first, second] = names;
  if (first === 'slot') return 'open' in step ? ['open', 'handle'] : 'close' in step ? ['close'] : ['handle'];
  if (first === 'access' || first === 'path' || first === 'device' || first === 'share' || first === 'disposition' || first === 'overlapped')
    return ['open', first];
  if (first === 'code') return ['ioctl'];
  if (first === 'input') {
    const key = 'write' in step ? 'write' : 'input';
    return second === 'length' ? [key, 'length'] : [key];
  }
  if (first === 'threads' || first === 'iterations') return ['parallel', first];
  if (first === 'commandLine') return ['run'];
  if (first === 'service') return 'load' in step ? ['load'] : ['unload'];
  if (first === 'ms') return ['sleep'];
  if (first === 'fill') return ['outFill'];
  if (first === 'length') return ['read'];
  if (first === 'env') return second !== undefined && 'env' in step && step.env && Object.hasOwn(step.env, second) ? ['env', second] : ['env'];
  if (first === 'async') return 'wait' in step ? ['wait'] : 'cancel' in step ? ['cancel'] : ['async'];
  if (['outLength', 'timeoutMs', 'inPointer', 'outPointer', 'offset', 'cwd', 'env', 'image'].includes(first ?? '')) return [first!];
  return [];
}
