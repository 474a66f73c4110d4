#!/usr/bin/env node
// The `lab` command: a thin launcher for the compiled CLI, so a missing build says how to fix it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('lab: the TypeScript is not built yet. Fix: run `npm run build` in the repository.\n');
  process.exit(3);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
