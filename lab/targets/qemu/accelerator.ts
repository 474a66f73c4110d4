import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';

export interface AcceleratorChoice {
  accelerator: 'kvm' | 'tcg';
  /** Why, for the report and `lab doctor`. */
  reason: string;
}

/**
 * KVM only when it can really run a guest: /dev/kvm usable AND the CPU has hardware virtualization
 * (vmx or svm). A paravirtual /dev/kvm without them exists (this kind of CI machine has one) and fails
 * the guest in odd places (FreeLdr faults when it turns paging on), so its presence alone is not enough.
 */
export async function chooseAccelerator(wanted: 'auto' | 'kvm' | 'tcg'): Promise<AcceleratorChoice> {
  if (wanted === 'tcg') return { accelerator: 'tcg', reason: 'tcg (asked for in the inventory)' };
  const device = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const flags = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  const hardware = flags.includes('vmx') || flags.includes('svm');
  if (device && hardware) return { accelerator: 'kvm', reason: 'kvm (/dev/kvm usable, the CPU has hardware virtualization)' };
  const why = !device ? '/dev/kvm is missing or not usable' : 'the CPU shows no vmx/svm flag, so /dev/kvm cannot run a guest here';
  if (wanted === 'kvm') return { accelerator: 'kvm', reason: `kvm (asked for in the inventory, although ${why})` };
  return { accelerator: 'tcg', reason: `tcg (${why}; TCG emulates the CPU, several times slower)` };
}
