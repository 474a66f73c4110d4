import { z } from 'zod';
import { SuiteSchema } from './schema.js';

/** The JSON Schema editors use for suites (`# yaml-language-server: $schema=...`); generated from schema.ts. */
export function suiteJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SuiteSchema, { unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://lab.invalid/suite.schema.json',
    title: 'lab suite',
  };
}

let fieldNames: Set<string> | undefined;

/** Every field name the schema knows, for "did you mean" hints on unknown fields. */
export function schemaFieldNames(): ReadonlySet<string> {
  if (fieldNames) return fieldNames;
  const names = new Set<string>();
  const stack: unknown[] = [suiteJsonSchema()];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    if (properties) for (const key of Object.keys(properties)) names.add(key);
    for (const value of Object.values(node)) if (value && typeof value === 'object') stack.push(value);
  }
  fieldNames = names;
  return names;
}
