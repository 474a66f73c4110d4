import { HarnessError } from '../../errors/lab-error.js';
import { printChecks } from '../../doctor/print-checks.js';
import type { CheckResult } from '../../doctor/check.js';
import { createTarget, type TargetRef } from '../../targets/create-target.js';
import { wineChecks } from '../../targets/wine/wine-checks.js';
import { buildDir } from '../../package-root/package-root.js';

export interface DoctorFlags {
  target: string;
}

/** `lab doctor`: every tool the chosen target needs, and how to fix each missing one (exit 3 if any). */
export async function doctorCommand(flags: DoctorFlags): Promise<void> {
  const target = await createTarget.resolve(flags.target);
  const checks = await checksFor(target);
  const ok = printChecks(`lab doctor: target ${target.name} (${target.kind})`, checks);
  if (!ok) throw new HarnessError('LAB_DOCTOR', `target ${target.name} is not ready; fix the ✗ lines above`);
}

/** Remote targets load their checks on use: `lab doctor` for Wine does not pay for ssh2. */
async function checksFor(target: TargetRef): Promise<CheckResult[]> {
  const spec = target.spec;
  if (spec?.kind === 'ssh') {
    const [{ SshLink }, { sshChecks }] = await Promise.all([import('../../targets/ssh/ssh-link.js'), import('../../targets/ssh/ssh-checks.js')]);
    const link = new SshLink(spec.endpoint);
    try {
      return await sshChecks(link, spec.guest, buildDir());
    } finally {
      await link.close();
    }
  }
  if (spec?.kind === 'hyperv') return (await import('../../targets/hyperv/hyperv-checks.js')).hypervChecks(spec, buildDir());
  return wineChecks(buildDir());
}
