/**
 * `npm run schema`: writes lab/suite/suite.schema.json, the JSON Schema editors use for suites (the
 * `# yaml-language-server: $schema=...` line at the top of each). Generated from schema.ts; a test fails
 * when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../package-root/package-root.js';
import { suiteJsonSchema } from './json-schema.js';

export const schemaFile = () => join(packageRoot(), 'lab', 'suite', 'suite.schema.json');

export function schemaText(): string {
  return `${JSON.stringify(suiteJsonSchema(), null, 2)}\n`;
}

export async function writeSchema(): Promise<string> {
  await writeFile(schemaFile(), schemaText());
  return schemaFile();
}
