// Turns mutants.json (the catalog, the single source of truth) into the make fragment the Makefile
// includes: `MUTANTS += <name>:<define>` per entry. Refuses entries make could not handle safely.
import { readFileSync } from 'node:fs';

const catalog = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (!Array.isArray(catalog)) throw new Error('mutants.json must be an array');
const lines = ['# generated from kernel/mutants.json by kernel/mutants-mk.mjs; do not edit'];
for (const entry of catalog) {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(entry.name ?? '')) throw new Error(`bad mutant name: ${entry.name}`);
  if (!/^MUTANT_[A-Z0-9_]+$/.test(entry.define ?? '')) throw new Error(`bad define for ${entry.name}: ${entry.define}`);
  lines.push(`MUTANTS += ${entry.name}:${entry.define}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
