import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from './load-suite.js';
import { SuiteError } from './suite-error.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('suite');
});

const HEAD = `suite: t
driver: { image: x.sys, device: '\\\\.\\object_device' }
ioctls:
  REFLECT: { function: 0x801 }
cases:
`;

async function write(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function issuesOf(text: string | Buffer, name = 'bad.yaml'): Promise<string[]> {
  const path = await write(name, text);
  try {
    await loadSuite(path);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    expect((error as SuiteError).exitCode).toBe(2);
    return (error as SuiteError).message.split('\n');
  }
  throw new Error('expected the suite to be rejected');
}

describe('loadSuite', () => {
  it('accepts the echo suite', async () => {
    const loaded = await loadSuite(join(import.meta.dirname, '../../suites/echo.yaml'));
    expect(loaded.raw.suite).toBe('echo');
    expect(loaded.raw.cases.length).toBeGreaterThan(10);
  });

  it('names file:line:column, the field path, what was expected and what was found', async () => {
    const lines = await issuesOf(`${HEAD}  - name: a\n    steps:\n      - ioctl: REFLECT\n        outLength: lots\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/bad\.yaml:9:20: cases\[0\]\.steps\[0\]\.outLength: expected .*number.*found "lots"/);
  });

  it('reports a misspelt field at the key, with a suggestion', async () => {
    const [line] = await issuesOf(`${HEAD}  - name: a\n    steps:\n      - ioctl: REFLECT\n        outLenght: 4\n`);
    expect(line).toMatch(/:9:9: cases\[0\]\.steps\[0\]\.outLenght: unknown field `outLenght`; did you mean `outLength`\?/);
  });

  it('explains a step with no kind, or two kinds', async () => {
    const lines = await issuesOf(`${HEAD}  - name: a\n    steps:\n      - handle: 1\n      - { ioctl: REFLECT, sleep: 5 }\n`);
    expect(lines[0]).toMatch(/steps\[0\]: expected a step with exactly one of `ioctl`, `open`.*found a mapping with `handle`/);
    expect(lines[1]).toMatch(/steps\[1\]: expected a step with exactly one of .*found `ioctl` and `sleep` together/);
  });

  it('checks names, labels and placeholders against the suite', async () => {
    const lines = await issuesOf(
      `${HEAD}  - name: a\n    matrix: { len: [1, 2] }\n    steps:\n      - ioctl: WRITE\n      - ioctl: REFLECT\n        input: { repeat: 1, length: '\${size}' }\n        expect: { output: { sameAs: later } }\n`,
    );
    expect(lines.join('\n')).toMatch(/steps\[0\]\.ioctl: expected an IOCTL defined in `ioctls` \(`REFLECT`\) or a number, found `WRITE`/);
    expect(lines.join('\n')).toMatch(/steps\[1\]\.input\.length: expected parameters of this case's matrix \(`len`\), found `size`/);
    expect(lines.join('\n')).toMatch(/sameAs: expected the label of an earlier step .*found `later`/);
  });

  it('reports YAML syntax errors with their position', async () => {
    const [line] = await issuesOf(`${HEAD}  - name: a\n    steps: [\n`);
    expect(line).toMatch(/bad\.yaml:\d+:\d+: expected valid YAML/);
  });

  it('rejects duplicate keys', async () => {
    const [line] = await issuesOf(`suite: a\nsuite: b\n`);
    expect(line).toMatch(/bad\.yaml:2:1: expected unique keys, found `suite` twice in one mapping/);
  });

  it('names a missing file with the fix', async () => {
    await expect(loadSuite(join(dir, 'nope.yaml'))).rejects.toThrow(/no such suite file\. Fix: check the path/);
  });
});

describe('hostile suites get a message, in bounded time and memory', () => {
  it('an alias bomb', async () => {
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n`;
    const [line] = await issuesOf(bomb);
    // At the first alias that takes the expanded data past what a 4 MiB file holds (2 bytes a value).
    expect(line).toMatch(
      /bad\.yaml:7:5: expected a suite whose aliases expand to at most 2,097,152 values in all \(what the largest file holds without them\), found `\*f` taking it past that/,
    );
  });

  it('an anchor named more often than the yaml package allows (100)', async () => {
    const line = await issuesOf(`suite: &s x\nother: [${Array.from({ length: 101 }, () => '*s').join(', ')}]\n`);
    expect(line).toEqual([expect.stringMatching(/bad\.yaml:2:9: expected a suite without alias explosions, found Excessive alias count/)]);
  });

  it('an alias inside its own anchor: the data would be circular (it stopped lab with a stack overflow, exit 3)', async () => {
    const [line] = await issuesOf(
      `suite: s\ndriver: { image: x.sys, device: d }\ncases:\n  - name: a\n    steps: [{ sleep: 0 }]\n    matrix: &m { n: [1, *m] }\n`,
    );
    expect(line).toMatch(/bad\.yaml:6:25: expected a suite whose aliases name finished values, found `\*m` inside `&m` itself \(the data would be circular\)/);
  });

  it('a 20 MB string', async () => {
    const [line] = await issuesOf(`suite: "${'x'.repeat(20 * 1024 * 1024)}"\n`);
    expect(line).toMatch(/bad\.yaml: expected a suite, found 20\.0 MiB \(at most 4 MiB\); generate large suites with matrix parameters instead$/);
  });

  it('deep nesting', async () => {
    const lines = await issuesOf(`suite: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    // At a bracket past the bound: the parser is stopped there, long before its 5,000th level.
    expect(lines).toEqual([expect.stringMatching(/bad\.yaml:1:7\d: expected a suite, found nesting deeper than 64 levels$/)]);
  });

  it('binary junk', async () => {
    const junk = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]);
    const [line] = await issuesOf(junk);
    expect(line).toMatch(/bad\.yaml:1:8: expected UTF-8 text, found a NUL byte/);
  });

  it('invalid UTF-8, located', async () => {
    const [line] = await issuesOf(Buffer.concat([Buffer.from('suite: ok\ndescription: caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    expect(line).toMatch(/bad\.yaml:2:17: expected UTF-8 text, found a byte sequence that is not UTF-8/);
  });

  it('an empty file and a list', async () => {
    expect((await issuesOf(''))[0]).toMatch(/expected a mapping with `suite`, `driver` and `cases`, found an empty document/);
    expect((await issuesOf('- 1\n- 2\n'))[0]).toMatch(/found a list/);
  });
});
