import { HarnessError } from '../../errors/lab-error.js';
import { printChecks } from '../../doctor/print-checks.js';
import { checksOf, createTarget } from '../../targets/create-target.js';
import { buildDir } from '../package-root.js';

export interface DoctorFlags {
  target: string;
}

/** `lab doctor`: every tool the chosen target needs, and how to fix each missing one (exit 3 if any). */
export async function doctorCommand(flags: DoctorFlags): Promise<void> {
  const target = await createTarget.resolve(flags.target);
  const checks = await checksOf(target, buildDir());
  const ok = printChecks(`lab doctor: target ${target.name} (${target.kind})`, checks);
  if (!ok) throw new HarnessError('LAB_DOCTOR', `target ${target.name} is not ready; fix the ✗ lines above`);
}
