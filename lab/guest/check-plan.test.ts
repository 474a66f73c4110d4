/**
 * What the guest runner would refuse is found when the suite is read (exit 2, file:line:column), by the
 * plan encoder's own checks: every case of a suite, the header's device, log and image name.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors/lab-error.js';
import { expandSuite, type ExpandOptions } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { SuiteError } from '../suite/suite-error.js';
import { checkPlan } from './check-plan.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('check-plan');
});

const suite = (driver: string, cases: string) => `suite: t\ndriver: ${driver}\nioctls:\n  REFLECT: { function: 0x801 }\ncases:\n${cases}`;
const DRIVER = "{ image: x.sys, device: '\\\\.\\object_device' }";

async function problems(text: string, options: ExpandOptions = {}, origin: { driver?: string } = {}): Promise<string[]> {
  const file = join(dir, 'check.yaml');
  await writeFile(file, text);
  try {
    const loaded = await loadSuite(file);
    checkPlan(loaded, expandSuite(loaded, options), origin);
  } catch (error) {
    if (!(error instanceof SuiteError)) throw error;
    expect(error.exitCode).toBe(2);
    return error.issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
  }
  return [];
}

describe('checking a suite against what the guest runner accepts', () => {
  it('passes the echo suite', async () => {
    const loaded = await loadSuite(join(import.meta.dirname, '../../suites/echo.yaml'));
    expect(() => checkPlan(loaded, expandSuite(loaded))).not.toThrow();
  });

  it('refuses a device name with a trailing space, at the device', async () => {
    expect(await problems(suite("{ image: x.sys, device: '\\\\.\\object_device ' }", '  - name: a\n    steps: [{ sleep: 1 }]\n'))).toEqual([
      `2:33: driver.device: the guest runner would refuse it: it must not start or end with whitespace: "\\\\\\\\.\\\\object_device "`,
    ]);
  });

  it('refuses a log path with a control character', async () => {
    const [line] = await problems(suite('{ image: x.sys, device: \'d\', log: "C:\\\\x\\tlog" }', '  - name: a\n    steps: [{ sleep: 1 }]\n'));
    expect(line).toMatch(/^2:\d+: driver\.log: the guest runner would refuse it: it must not contain line breaks or control characters/);
  });

  it('refuses a service name taken from an image whose name has a space, and says to set driver.service', async () => {
    const [line] = await problems(suite("{ image: 'my driver.sys', device: 'd' }", '  - name: a\n    steps: [{ sleep: 1 }]\n'));
    expect(line).toBe(
      '2:18: driver.image: the guest runner would refuse the service name `my driver` taken from the image\'s file name: it must not contain whitespace or control characters: "my driver"; set driver.service',
    );
  });

  it('names --driver when the image came from the command line', async () => {
    const file = join(dir, 'check.yaml');
    await writeFile(file, suite(DRIVER, '  - name: a\n    steps: [{ sleep: 1 }]\n'));
    const loaded = await loadSuite(file);
    expect(() => checkPlan(loaded, expandSuite(loaded, { driverImage: '/tmp/my driver.sys' }), { driver: 'my driver.sys' })).toThrow(UsageError);
    expect(() => checkPlan(loaded, expandSuite(loaded, { driverImage: '/tmp/my driver.sys' }), { driver: 'my driver.sys' })).toThrow(
      /^--driver my driver\.sys: the guest runner would refuse the service name `my driver` taken from the image's file name: it must not contain whitespace/,
    );
  });

  it('refuses a case id with a control character made from a matrix value, at the case, naming the id', async () => {
    const [line] = await problems(suite(DRIVER, '  - name: a\n    matrix: { tag: ["x\\u0001y"] }\n    steps: [{ sleep: 1 }]\n'));
    expect(line).toMatch(
      /^6:11: cases\[0\]\.name: the case id `t\/a\[tag=x\u0001y\]` would be refused by the guest runner: it must not contain whitespace or control characters/,
    );
  });

  it('refuses a run argument with a NUL or a lone surrogate, at the run step (after the implicit opens)', async () => {
    const lines = await problems(
      `client: c.exe\n${suite(DRIVER, '  - name: a\n    steps:\n      - ioctl: REFLECT\n      - run: ["a\\0b"]\n  - name: b\n    steps:\n      - run: ["\\uD800"]\n')}`,
    );
    expect(lines).toEqual([
      '10:14: cases[0].steps[1].run: the guest runner would refuse it: it must be a non-empty string without NUL',
      '13:14: cases[1].steps[0].run: the guest runner would refuse it: it is not well-formed Unicode (a lone surrogate)',
    ]);
  });

  it("holds the runner's limits in the schema: no par of 0 threads or 0 iterations, no run with a 0 ms timeout", async () => {
    const lines = await problems(
      `client: c.exe\n${suite(DRIVER, '  - name: a\n    steps:\n      - parallel: { threads: 0, iterations: 0 }\n        steps: [{ sleep: 1 }]\n      - run: []\n        timeoutMs: 0\n')}`,
    );
    expect(lines).toEqual([
      '9:30: cases[0].steps[0].parallel.threads: expected at least 1, found 0',
      '9:45: cases[0].steps[0].parallel.iterations: expected at least 1, found 0',
      '12:20: cases[0].steps[1].timeoutMs: expected at least 1, found 0',
    ]);
  });
});
