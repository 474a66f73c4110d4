import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HarnessError } from '../errors/lab-error.js';

/** driver/kernel/mutants.json: the single source of the mutant catalog (the Makefile reads it too). */
const Mutant = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  defect: z.number().int().nullable(),
  define: z.string(),
  description: z.string(),
  observableOn: z.array(z.string()).min(1),
  why: z.string().optional(),
  /** Why a target the mutant is not observable on cannot show it, by what the target stands for (e.g. `reactos`); `why` is Wine's. */
  whyNot: z.record(z.string(), z.string()).optional(),
});
export type Mutant = z.infer<typeof Mutant>;

export async function readCatalog(driverDir: string): Promise<Mutant[]> {
  const path = join(driverDir, 'kernel', 'mutants.json');
  try {
    return z.array(Mutant).parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new HarnessError('LAB_MUTANT_CATALOG', `${path} is not a valid mutant catalog: ${(error as Error).message}`);
  }
}
