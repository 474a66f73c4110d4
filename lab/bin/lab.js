#!/usr/bin/env node
// The `lab` command: a thin launcher for the compiled CLI, so a missing build says how to fix it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('lab: the TypeScript is not built yet. Fix: run `npm run build` in the repository.\n');
  process.exit(3);
}
// Interrupted while the CLI loads: nothing has started, and the exit code is the one every interruption
// has (130), not the shell's 128+signal. main() installs the real handling as it starts.
const early = () => process.exit(130);
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, early);
let run;
try {
  ({ main: run } = await import(main.href));
} catch (error) {
  // A build that does not load (half written, from another version): Node would print a stack and exit 1,
  // which lab's exit codes keep for a driver that failed.
  process.stderr.write(
    `lab: the built CLI (lab/dist) does not load: ${error instanceof Error ? error.message : String(error)}. Fix: run \`npm run build\` in the repository.\n`,
  );
  process.exit(3);
}
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(name, early);
process.exitCode = await run(process.argv.slice(2));
