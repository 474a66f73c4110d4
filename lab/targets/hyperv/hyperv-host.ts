import { HarnessError } from '../../errors/lab-error.js';
import type { PsCode } from './powershell/ps-script.js';

/**
 * A Hyper-V host lab can run PowerShell on: over SSH, or this machine when lab runs on the host itself.
 * Scripts come only from the builders in scripts/ and answer with one JSON object (hyperv-script.ts).
 */
export interface HypervHost {
  /** For messages: `hv1 (admin@hv1.example:22)` or `hv1 (this machine)`. */
  readonly label: string;
  run<T>(script: PsCode, what: string): Promise<T>;
  close(): Promise<void>;
}

/** The script's JSON answer, or a HarnessError that names the host, the step and PowerShell's message. */
export function parseHostAnswer<T>(label: string, what: string, stdout: string, stderr: string, exitCode: number | null): T {
  const line = stdout
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  let answer: ({ ok: boolean; error?: string } & T) | undefined;
  try {
    answer = line ? JSON.parse(line) : undefined;
  } catch {
    answer = undefined;
  }
  if (answer?.ok) return answer;
  const detail =
    answer?.error ??
    (stderr
      .replace(/#< CLIXML[\s\S]*/, '')
      .trim()
      .split(/\r?\n/)
      .slice(-3)
      .join(' ') ||
      `exit code ${exitCode ?? 'unknown'}, no answer`);
  return fail(label, what, detail);
}

function fail(label: string, what: string, detail: string): never {
  throw new HarnessError(
    'LAB_HYPERV_HOST',
    `Hyper-V host ${label}: ${what} failed: ${detail}. Fix: run \`lab doctor --target <name>\`; the host needs the Hyper-V PowerShell module and an elevated (administrator) session.`,
  );
}
