import { Command, InvalidArgumentError, Option } from 'commander';
import { labVersion } from '../run/lab-version.js';
import { reportError } from './report-error.js';
import { installSignalHandling } from './signals.js';
import { installUncaughtHandling } from './uncaught.js';

/** Commands load on use, so `lab list` does not pay for Wine and the reporters, nor `--help` for anything. */
const runCommand = async (...args: Parameters<typeof import('./commands/run.js').runCommand>) => (await import('./commands/run.js')).runCommand(...args);
const listCommand = async (...args: Parameters<typeof import('./commands/list.js').listCommand>) => (await import('./commands/list.js')).listCommand(...args);
const buildCommand = async (...args: Parameters<typeof import('./commands/build.js').buildCommand>) =>
  (await import('./commands/build.js')).buildCommand(...args);
const doctorCommand = async (...args: Parameters<typeof import('./commands/doctor.js').doctorCommand>) =>
  (await import('./commands/doctor.js')).doctorCommand(...args);
const reportCommand = async (...args: Parameters<typeof import('./commands/report.js').reportCommand>) =>
  (await import('./commands/report.js')).reportCommand(...args);
const gateCommand = async (...args: Parameters<typeof import('./commands/gate.js').gateCommand>) => (await import('./commands/gate.js')).gateCommand(...args);
const historyCommand = async (...args: Parameters<typeof import('./commands/history.js').historyCommand>) =>
  (await import('./commands/history.js')).historyCommand(...args);
const mergeCommand = async (...args: Parameters<typeof import('./commands/merge.js').mergeCommand>) =>
  (await import('./commands/merge.js')).mergeCommand(...args);
const fuzzCommand = async (...args: Parameters<typeof import('./commands/fuzz.js').fuzzCommand>) => (await import('./commands/fuzz.js')).fuzzCommand(...args);
const mutateCommand = async (...args: Parameters<typeof import('./commands/mutate.js').mutateCommand>) =>
  (await import('./commands/mutate.js')).mutateCommand(...args);

/**
 * The `lab` command. Argument parsing is commander's; this file wires the commands and holds the one
 * top-level catch that turns errors into a message and a documented exit code (0 1 2 3 130)
 * (report-error.ts; uncaught.ts does the same for errors no code path caught).
 */
export function program(): Command {
  const lab = new Command('lab')
    .description('A test lab for Windows kernel drivers: YAML suites on Wine, SSH and Hyper-V targets.')
    .version(labVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  lab
    .command('run')
    .description('run a suite against a driver on a target and write the reports')
    .argument('[suite]', 'the suite file, e.g. suites/echo.yaml')
    .option('--target <name>', 'where to run: wine (default) or a name from infra/targets.yaml (LAB_INVENTORY names another inventory)', 'wine')
    .option('--driver <path>', "test this driver image instead of the suite's (same device)")
    .option('--client <path>', "use this client program for `run` steps instead of the suite's")
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option(
      '--filter <pattern...>',
      'run only the cases a pattern selects: a glob matching the whole id, the id after the suite or the name; plain text found in them; or /regex/',
    )
    .addOption(new Option('--timeout-case <ms>', 'timeout for every case, overriding the suite').argParser(positiveInt('--timeout-case')))
    .option('--reporter <name...>', 'reporters: terminal, json, junit, html, summary (default: all)')
    .option('--keep', "keep the target's state (Wine prefixes) after the run, for debugging")
    .addOption(
      new Option('--deadline <ms>', 'a budget for the whole run; cases it leaves unrun are errors of the harness').argParser(positiveInt('--deadline')),
    )
    .addOption(
      new Option('--repeat-failures <n>', 'rerun failed, crashed and hung cases up to n times on a clean target; a pass makes them flaky').argParser(
        positiveInt('--repeat-failures'),
      ),
    )
    .option('--resume <dir>', 'finish an interrupted run in <dir> (its --out folder): finished cases are kept, the rest run')
    .option('--baseline <report>', 'gate against a previous run (its report.json or folder): exit 1 on regressions and new failing cases')
    .option('--waivers <file>', 'known failures (YAML): covered cases are reported `waived`; an expired waiver fails the run')
    .option('--allow-new-failures', 'with --baseline: new cases that fail do not fail the gate')
    .addOption(new Option('--workers <n>', 'run on n independent targets at once (n Wine prefixes), disjoint cases each').argParser(positiveInt('--workers')))
    .option('--shard <i/n>', 'run only shard i of n (a stable split by case id, for CI matrices; join with `lab merge`)')
    .action(runCommand);

  lab
    .command('list')
    .description('print the cases a suite expands to, without running anything')
    .argument('<suite>', 'the suite file')
    .option('--target <name>', 'target whose skips apply', 'wine')
    .option('--filter <pattern...>', 'only the cases a pattern selects (as for lab run)')
    .option('--json', 'print JSON instead of a table')
    .option('--shard <i/n>', 'only the cases of shard i of n')
    .action(listCommand);

  lab
    .command('merge')
    .description('join the reports of shard runs (--shard i/n) into one, as if the suite had run unsharded')
    .argument('<dirs...>', 'the --out folders of the shard runs')
    .requiredOption('--out <dir>', 'where the merged reports go')
    .option('--reporter <name...>', 'reporters: junit, html, summary, json (default: all four), terminal')
    .option('--allow-partial', 'merge although shards are missing: the report names them and does not pass (exit 3 at best)')
    .action(mergeCommand);

  lab
    .command('mutate')
    .description('run the suite against every mutant of the driver: kill matrix and mutation score')
    .argument('<suite>', 'the suite file')
    .option('--target <name>', 'where to run', 'wine')
    .option('--out <dir>', 'output folder (default reports/mutation-<time>)')
    .option('--filter <pattern...>', 'only the cases a pattern selects (as for lab run)')
    .addOption(new Option('--jobs <n>', 'mutants run at once (default: 2, or 1 on one core)').argParser(positiveInt('--jobs')))
    .action(mutateCommand);

  lab
    .command('fuzz')
    .description(
      'send the driver calls its suite never thought of until the budget is spent; shrink every crash, hang or broken rule to a case in findings.yaml',
    )
    .argument('<suite>', 'the suite whose driver, device and IOCTLs to start from, e.g. suites/echo.yaml')
    .option('--target <name>', 'where to run: wine (default) or a name from infra/targets.yaml', 'wine')
    .option('--driver <path>', "fuzz this driver image instead of the suite's (same device)")
    .option('--seed <n>', 'every call follows from it (default: a random one, named in the report)')
    .option('--budget <budget>', 'how long to search: a time (60s, 5m) or a number of calls ("100000 calls"); shrinking comes after', '60s')
    .addOption(new Option('--workers <n>', 'search on n targets at once (n Wine prefixes), every n-th batch each').argParser(positiveInt('--workers')))
    .option('--out <dir>', 'output folder (default reports/<run-id>)')
    .option('--replay <dir>', 'send the calls of an earlier run (its --out folder) again, in the same sessions')
    .addOption(new Option('--hang-ms <ms>', 'a batch of calls that takes longer is hung (default 5000)').argParser(positiveInt('--hang-ms')))
    .option('--shrink-time <time>', 'time for shrinking and confirming the findings, after the search', '120s')
    .option('--functions <ranges>', 'function numbers to sweep and draw codes from, e.g. 0x800-0x8FF,0x900 (default: around the named IOCTLs, and 0x800-0x81F)')
    .option('--device-types <ranges>', 'device types to sweep and draw codes from, e.g. 0x22,0x8000 (default: those of the named IOCTLs)')
    .addOption(
      new Option('--max-length <n>', 'the longest input or output buffer (default: twice the longest the suite uses, at least 65536)').argParser(
        nonNegativeInt('--max-length'),
      ),
    )
    .addOption(new Option('--batch-calls <n>', 'calls per batch, one guest case each (default 256)').argParser(positiveInt('--batch-calls')))
    .option('--no-threads', 'no calls from several threads at once, no open/close storms')
    .option('--keep', "keep the target's state (Wine prefixes) after the run, for debugging")
    .action(fuzzCommand);

  lab
    .command('build')
    .description('build the driver, the guest runner and the client into driver/build (test-signed)')
    .option('--mutants', 'also build every mutant of the driver into driver/build/mutants')
    .action(buildCommand);

  lab
    .command('report')
    .description("regenerate report.html from a run's report.json, and export it through Chromium")
    .argument('<dir>', 'the run folder (reports/<run-id>) or its report.json')
    .option('--pdf [file]', 'also write a PDF (default <dir>/report.pdf)')
    .option('--png [file]', 'also write a full-page PNG screenshot (default <dir>/report.png)')
    .action(reportCommand);

  lab
    .command('gate')
    .description('compare a run with a baseline run: regressions, fixed, still failing, new, removed; exit 1 when it fails')
    .argument('<new>', 'the run to judge: its report.json or folder')
    .argument('<baseline>', 'the run to compare with: its report.json or folder')
    .option('--waivers <file>', 'known failures (YAML) to apply to the new run')
    .option('--allow-new-failures', 'new cases that fail do not fail the gate')
    .option('--json', "print report.json's `gate` section as JSON instead of text")
    .action(gateCommand);

  lab
    .command('history')
    .description('write a static page of the last runs from their report.json files: pass/fail per case, flaky cases, durations, trend')
    .argument('<reports>', 'the folder holding run folders (e.g. reports/)')
    .addOption(new Option('--last <n>', 'the last n runs').argParser(positiveInt('--last')).default(20))
    .option('--suite <name>', 'only runs of this suite')
    .option('--out <file>', 'where to write the page (default <reports>/history.html)')
    .action(historyCommand);

  lab
    .command('doctor')
    .description('check every tool the target needs and say how to fix what is missing')
    .option('--target <name>', 'the target to check: wine or a name from infra/targets.yaml', 'wine')
    .action(doctorCommand);

  return lab;
}

export async function main(argv: string[]): Promise<number> {
  installSignalHandling();
  installUncaughtHandling();
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return reportError(error);
  }
}

function nonNegativeInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} expects a whole number (0 or more).`);
    return n;
  };
}

function positiveInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} expects a positive whole number.`);
    }
    return n;
  };
}
