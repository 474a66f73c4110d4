import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { schemaFile, schemaText } from './write-json-schema.js';

describe('suite.schema.json', () => {
  it('is generated from schema.ts and up to date (run `npm run schema` after changing the schema)', async () => {
    expect(await readFile(schemaFile(), 'utf8')).toBe(schemaText());
  });

  it('is referenced from every suite for editors', async () => {
    expect(await readFile(new URL('../../suites/echo.yaml', import.meta.url), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/lab\/suite\/suite\.schema\.json$/m,
    );
  });

  it('describes the fields editors complete', () => {
    const schema = JSON.parse(schemaText()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['suite', 'driver', 'ioctls', 'cases']));
    expect(schema.required).toEqual(expect.arrayContaining(['suite', 'driver', 'cases']));
  });
});
