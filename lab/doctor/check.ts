import { execa } from 'execa';

/** One thing `lab doctor` checks: what it found, and the fix when it is not right. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found (a version, a path, a count). */
  found: string;
  fix?: string;
  /** A failed optional check is a warning, not a reason to fail. */
  optional?: boolean;
}

/** Runs a tool's version command; the first line of its output, or undefined when it does not run. */
export async function toolVersion(file: string, args: string[]): Promise<string | undefined> {
  const result = await execa(file, args, { reject: false, timeout: 30_000, env: { WINEDEBUG: '-all' }, stdin: 'ignore' });
  if (result.failed && result.exitCode === undefined) return undefined;
  const text = `${result.stdout}\n${result.stderr}`.split('\n').find((l) => l.trim() && !/wine32|multiarch|apt-get|dpkg/.test(l));
  return text?.trim() ?? (result.exitCode === 0 ? 'present' : undefined);
}

export async function toolCheck(name: string, file: string, args: string[], fix: string, optional = false): Promise<CheckResult> {
  const version = await toolVersion(file, args);
  return version ? { name, ok: true, found: version } : { name, ok: false, found: 'not found', fix, ...(optional ? { optional } : {}) };
}
