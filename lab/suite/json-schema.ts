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

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

let root: SchemaNode | undefined;

/** A node's alternatives (anyOf/oneOf, nested), keeping those that fit the value found there. */
function alternatives(node: SchemaNode, value: unknown): SchemaNode[] {
  const leaves: SchemaNode[] = [];
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    const branches = n.anyOf ?? n.oneOf;
    if (branches) stack.push(...branches);
    else leaves.push(n);
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const fitting = leaves.filter((l) =>
    Array.isArray(value) ? l.type === 'array' || l.items !== undefined : isObject ? l.type === 'object' || l.properties !== undefined : true,
  );
  if (!isObject) return fitting;
  // A step's kind key decides which step it is: prefer the branches whose required keys are all there.
  const complete = fitting.filter((l) => l.required?.length && l.required.every((k) => k in (value as object)));
  return complete.length ? complete : fitting;
}

/**
 * The field names the schema allows at `path` of `data` (the object an unknown key was found in), for
 * "did you mean" hints that only name fields that exist there: `outLenght` in an ioctl step suggests
 * `outLength`, but `lenght` there suggests nothing (`length` belongs to payloads).
 */
export function schemaFieldsAt(data: unknown, path: readonly PropertyKey[]): ReadonlySet<string> {
  root ??= suiteJsonSchema() as SchemaNode;
  let nodes: SchemaNode[] = [root];
  let value: unknown = data;
  for (const part of path) {
    const next: SchemaNode[] = [];
    for (const n of nodes.flatMap((node) => alternatives(node, value))) {
      const child =
        typeof part === 'number'
          ? n.items
          : (n.properties?.[String(part)] ?? (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined));
      if (child) next.push(child);
    }
    nodes = next;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  }
  return new Set(nodes.flatMap((node) => alternatives(node, value)).flatMap((n) => Object.keys(n.properties ?? {})));
}
