/**
 * vitest global setup of the tiers that run drivers (wine, ssh): builds the test inputs (the mutants and
 * the fixture drivers) once, before any test file starts. `npm run build` makes only the product; tests
 * that named the inputs they need in their own beforeAll raced each other, and a test that forgot found
 * them only when another file had happened to build them first (on a fresh clone, it did not).
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const DRIVER = fileURLToPath(new URL('../../driver', import.meta.url));

export default async function setup(): Promise<void> {
  if (process.env.LAB_TEST_INPUTS_BUILT) return;
  await execa('make', ['-s', '-C', DRIVER, 'mutants', 'fixtures'], { stdio: 'inherit' });
  process.env.LAB_TEST_INPUTS_BUILT = '1';
}
