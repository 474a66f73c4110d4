/** `npm run codes`: writes the registry's table of error codes into the README given as the argument. */
import { readFile, writeFile } from 'node:fs/promises';
import { withTable } from './codes-table.js';

const readme = process.argv[2] ?? 'README.md';
await writeFile(readme, withTable(await readFile(readme, 'utf8')));
process.stdout.write(`wrote the error codes into ${readme}\n`);
