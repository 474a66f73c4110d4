import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../e2e/run-lab.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * Every kind of file lab reads gets the same bounds, through the real CLI: a NUL byte, bytes that are not
 * UTF-8, a file past its size cap, nesting past the bound, a YAML alias bomb, an alias inside its own
 * anchor, JSON that does not parse, and a schema error are each one message naming the file (and the line
 * and column where the text shows it), exit 2, no stack. Waivers were read with a plain readFile and took
 * NULs and mangled bytes as text; a circular alias in the inventory overflowed the stack (exit 3).
 */
interface Format {
  name: string;
  syntax: 'yaml' | 'json';
  noun: string;
  maxBytes: number;
  maxDepth: number;
  /** What the CLI says before the file's name. */
  argument: string;
  /** The last line of the message, for files lab writes. */
  fix?: string;
  /** A schema error and the message it gives, after the file's name. */
  schemaError: [text: string, message: RegExp];
  /** Runs the command that reads `dir`'s file, which is at the path it returns. */
  place(dir: string): string;
  run(file: string): Promise<{ exitCode?: number; stderr: string }>;
}

let dir: string;
let good: string;
beforeAll(async () => {
  dir = await tempDir('hostile-files');
  good = await writeRun(join(dir, 'good'), aReport([aCase('echo/a', 'passed')]));
});

const MIB = 1024 * 1024;
const FUZZ_RECORD = {
  kind: 'lab-fuzz',
  seed: 7,
  planDigest: 'a'.repeat(64),
  options: {
    hangMs: 5000,
    batchCalls: 256,
    threads: false,
    badPointers: false,
    functions: ['0x7E1-0x823'],
    deviceTypes: ['0x22'],
    maxLength: 131072,
    workers: 1,
  },
  exploration: { chunks: [{ worker: 0, batches: [0] }] },
};
const FORMATS: Format[] = [
  {
    name: 'suite',
    syntax: 'yaml',
    noun: 'a suite',
    maxBytes: 4 * MIB,
    maxDepth: 64,
    argument: '',
    schemaError: [
      'suite: t\ndriver: { image: x.sys, device: d }\ncases:\n  - name: a\n    steps: [{ sleep: lots }]\n',
      /^:5:22: cases\[0\]\.steps\[0\]\.sleep: expected a number or a \$\{\.\.\.\} placeholder, found "lots"$/,
    ],
    place: (d) => join(d, 'suite.yaml'),
    run: (file) => lab(['list', file]),
  },
  {
    name: 'waivers',
    syntax: 'yaml',
    noun: 'a waivers file',
    maxBytes: MIB,
    maxDepth: 64,
    argument: '',
    schemaError: [
      'waivers:\n  - case: a\n    reason: r\n    expires: 2026-02-30\n',
      /^:4:14: waivers\[0\]\.expires: expected a date as YYYY-MM-DD \(the last day the waiver holds\), found "2026-02-30"$/,
    ],
    place: (d) => join(d, 'waivers.yaml'),
    run: (file) => lab(['gate', good, good, '--waivers', file]),
  },
  {
    name: 'inventory',
    syntax: 'yaml',
    noun: 'an inventory',
    maxBytes: MIB,
    maxDepth: 64,
    argument: '',
    schemaError: [
      'version: 1\ntargets:\n  box: { kind: ssh, host: h, user: u, port: 99999, auth: { agent: true } }\n',
      /^:3:45: targets\.box\.port: expected at most 65535, found 99999$/,
    ],
    place: (d) => join(d, 'targets.yaml'),
    run: (file) => lab(['doctor', '--target', 'box'], { env: { LAB_INVENTORY: file } }),
  },
  {
    name: 'report.json',
    syntax: 'json',
    noun: 'report.json as lab writes it',
    maxBytes: 256 * MIB,
    maxDepth: 64,
    argument: 'lab gate: new run ',
    fix: "point at a finished run's report.json (`lab run` writes it).",
    schemaError: [
      JSON.stringify(aReport([aCase('echo/a', 'passed'), { ...aCase('echo/b', 'failed'), status: 'nope' as never }])),
      /^: cases\[1\]\.status: expected one of "passed", .*, found "nope"$/,
    ],
    place: (d) => join(d, 'report.json'),
    run: (file) => lab(['gate', file, good]),
  },
  {
    name: 'run.json',
    syntax: 'json',
    noun: 'run.json as lab writes it',
    maxBytes: MIB,
    maxDepth: 16,
    argument: '--resume ',
    fix: 'this is not a run.json lab wrote; start a new run.',
    schemaError: [
      JSON.stringify({ version: 1, runId: '../victim', suiteFile: '/s.yaml', flags: { target: 'wine' }, startedAt: 'x' }),
      /^: runId: a run id of letters, digits, .*, found "\.\.\/victim"$/,
    ],
    place: (d) => join(d, 'run.json'),
    run: (file) => lab(['run', '--resume', join(file, '..')]),
  },
  {
    name: 'fuzz.json',
    syntax: 'json',
    noun: 'fuzz.json as lab fuzz writes it',
    maxBytes: 256 * MIB,
    maxDepth: 64,
    argument: '--replay ',
    fix: 'give the --out folder of an earlier lab fuzz run.',
    schemaError: [JSON.stringify({ ...FUZZ_RECORD, seed: -1 }), /^: seed: expected at least 0, found -1$/],
    place: (d) => join(d, 'fuzz.json'),
    run: (file) => lab(['fuzz', 'suites/echo.yaml', '--replay', join(file, '..')]),
  },
];

/** Each hostile file: its bytes (or a size, for a sparse file) and the message after the file's name. */
function hostile(format: Format): Record<string, [content: Buffer | number, message: RegExp]> {
  const text = (s: string) => Buffer.from(s);
  const nul = Buffer.from([0]);
  const notUtf8 = Buffer.from([0xc3, 0x28]);
  const escaped = format.noun.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const deeper = (at: string) => new RegExp(`^:${at}: expected ${escaped}, found nesting deeper than ${format.maxDepth} levels$`);
  const common = {
    'a NUL byte': [
      format.syntax === 'yaml' ? Buffer.concat([text('# a comment\n# '), nul, text('\n')]) : Buffer.concat([text('{\n  "x": "'), nul, text('"\n}')]),
      format.syntax === 'yaml' ? /^:2:3: expected UTF-8 text, found a NUL byte \(is this a binary file\?\)$/ : /^:2:9: expected UTF-8 text, found a NUL byte/,
    ],
    'bytes that are not UTF-8': [
      format.syntax === 'yaml'
        ? Buffer.concat([text('# a comment\n# caf'), notUtf8, text('\n')])
        : Buffer.concat([text('{\n  "x": "caf'), notUtf8, text('"\n}')]),
      format.syntax === 'yaml'
        ? /^:2:6: expected UTF-8 text, found a byte sequence that is not UTF-8/
        : /^:2:12: expected UTF-8 text, found a byte sequence that is not UTF-8/,
    ],
    'a file past its size cap': [
      format.maxBytes + 1,
      new RegExp(
        `^: expected ${escaped}, found ${(format.maxBytes + 1).toLocaleString('en')} bytes \\(at most ${format.maxBytes.toLocaleString('en')} bytes\\)`,
      ),
    ],
    // At the bracket that opens the level past the bound: `x` is the first level.
    'nesting past the bound':
      format.syntax === 'yaml'
        ? [text(`# deep\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), deeper(`2:${3 + format.maxDepth}`)]
        : [text(`{\n"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`), deeper(`2:${5 + format.maxDepth}`)],
    'a schema error': [text(format.schemaError[0]), format.schemaError[1]],
  } satisfies Record<string, [Buffer | number, RegExp]>;
  if (format.syntax === 'json')
    return { ...common, 'text that is not JSON': [text('{ nope'), new RegExp(`^:1:3: expected ${escaped}, found text that is not JSON \\(.+\\)$`)] };
  const laughs = [
    'a: &a [x,x,x,x,x,x,x,x,x,x]',
    ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(',')}]`),
    `g: [${Array(10).fill('*f').join(',')}]`,
  ].join('\n');
  return {
    ...common,
    'an alias bomb': [
      text(laughs),
      new RegExp(
        `^:[67]:\\d+: expected ${escaped} whose aliases expand to at most [\\d,]+ values in all \\(what the largest file holds without them\\), found \`\\*[ef]\` taking it past that`,
      ),
    ],
    'an alias inside its own anchor': [
      text('x: &x [1, *x]\n'),
      new RegExp(`^:1:11: expected ${escaped} whose aliases name finished values, found \`\\*x\` inside \`&x\` itself \\(the data would be circular\\)$`),
    ],
  };
}

describe('every file lab reads is bounded the same way, through the CLI', () => {
  for (const format of FORMATS) {
    it(`${format.name}: each hostile file is one message naming the file and where, exit 2, no stack`, async () => {
      const cases = Object.entries(hostile(format));
      const results = await Promise.all(
        cases.map(async ([name, [content, message]]) => {
          const folder = join(dir, format.name, name.replace(/\W+/g, '-'));
          await mkdir(folder, { recursive: true });
          const file = format.place(folder);
          if (typeof content === 'number') {
            await writeFile(file, '');
            await truncate(file, content); // sparse: refused by its size before it is read
          } else await writeFile(file, content);
          const r = await format.run(file);
          return { name, file, message, exitCode: r.exitCode, stderr: r.stderr };
        }),
      );
      for (const r of results) {
        const [first = '', ...rest] = r.stderr.trimEnd().split('\n');
        const prefix = `lab: ${format.argument}${r.file}`;
        expect({ case: r.name, exitCode: r.exitCode, named: first.startsWith(prefix) ? 'the file' : first }).toEqual({
          case: r.name,
          exitCode: 2,
          named: 'the file',
        });
        expect(first.slice(prefix.length), r.name).toMatch(r.message);
        expect(rest, r.name).toEqual(format.fix ? [`Fix: ${format.fix}`] : []);
      }
    }, 180_000);
  }
});
