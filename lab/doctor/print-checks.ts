import type { CheckResult } from './check.js';

/** Prints the checks, one line each, fixes indented under failures; true when nothing required failed. */
export function printChecks(title: string, checks: CheckResult[], write: (text: string) => void = (t) => process.stdout.write(t)): boolean {
  write(`${title}\n`);
  for (const c of checks) {
    const mark = c.ok ? '✓' : c.optional ? '!' : '✗';
    write(`  ${mark} ${c.name}: ${c.found}\n`);
    if (!c.ok && c.fix) write(`      fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok && !c.optional);
  write(failed.length ? `${failed.length} problem${failed.length > 1 ? 's' : ''} to fix before this target can run.\n` : 'ready.\n');
  return failed.length === 0;
}
