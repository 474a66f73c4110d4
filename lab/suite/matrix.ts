import type { z } from 'zod';
import type { MatrixValues } from './schema.js';

type MatrixSpec = Record<string, z.infer<typeof MatrixValues>>;

/** Hard ceiling on expanded cases per suite, so a typo in a range cannot eat the machine. */
export const MAX_EXPANDED_CASES = 100_000;

/** The values one parameter takes: a list as written, a range, or a boundary sweep around a limit. */
export function parameterValues(spec: z.infer<typeof MatrixValues>): unknown[] {
  if (Array.isArray(spec)) return spec;
  if ('range' in spec) {
    const { from, to, step = 1 } = spec.range;
    const values: number[] = [];
    for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
      values.push(v);
      if (values.length > MAX_EXPANDED_CASES) break;
    }
    return values;
  }
  const { around, radius } = spec.boundary;
  return Array.from({ length: 2 * radius + 1 }, (_, i) => around - radius + i);
}

/** How many combinations a matrix makes, without making them. */
export function combinationCount(matrix: MatrixSpec | undefined): number {
  if (!matrix) return 1;
  return Object.values(matrix).reduce((n, spec) => n * parameterValues(spec).length, 1);
}

/** Every combination, first parameter outermost, in a stable order (case ids and indexes depend on it). */
export function* combinations(matrix: MatrixSpec | undefined): Generator<Record<string, unknown>> {
  const entries = Object.entries(matrix ?? {}).map(([name, spec]) => [name, parameterValues(spec)] as const);
  if (entries.some(([, values]) => values.length === 0)) return;
  const indexes = entries.map(() => 0);
  for (;;) {
    yield Object.fromEntries(entries.map(([name, values], i) => [name, values[indexes[i]!]]));
    let i = entries.length - 1;
    while (i >= 0) {
      indexes[i]! += 1;
      if (indexes[i]! < entries[i]![1].length) break;
      indexes[i] = 0;
      i--;
    }
    if (i < 0) return;
  }
}
