import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { toolCheck, type CheckResult } from '../../doctor/check.js';
import { labCacheDir } from '../wine/cache-dir.js';
import { chooseAccelerator } from './accelerator.js';
import { sockets } from './qemu-command.js';
import { agentFor } from './qemu-kind.js';
import type { QemuSpec } from './qemu-spec.js';

const APT = 'sudo apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils mtools xz-utils';

/** `lab doctor --target <qemu entry>`: QEMU, the accelerator, the image, lab's programs for the guest, the sockets. */
export async function qemuChecks(spec: QemuSpec, buildDir: string): Promise<CheckResult[]> {
  const binary = `qemu-system-${spec.machine.arch}`;
  const accel = await chooseAccelerator(spec.accelerator);
  const checks: CheckResult[] = await Promise.all([
    toolCheck(`QEMU (${binary})`, binary, ['--version'], APT),
    toolCheck('qemu-img', 'qemu-img', ['--version'], APT),
    ...(spec.image.kind === 'iso' ? [toolCheck("mtools (the live CD's C: drive)", 'mformat', ['--version'], APT)] : []),
    ...(spec.image.path.endsWith('.xz') ? [toolCheck('xz', 'xz', ['--version'], APT)] : []),
  ]);
  checks.push({ name: 'accelerator', ok: true, found: accel.reason, ...(accel.accelerator === 'tcg' ? { optional: true } : {}) });
  const image = await access(spec.image.path).then(
    () => true,
    () => false,
  );
  checks.push(
    image
      ? { name: 'image', ok: true, found: spec.image.path }
      : {
          name: 'image',
          ok: false,
          found: `${spec.image.path} (from ${spec.image.from}) does not exist`,
          fix:
            spec.guestOs === 'reactos'
              ? 'put the ReactOS live CD (livecd-lab.iso.xz) there, or set the variable the inventory names in imageEnv to its path'
              : 'prepare the image as infra/qemu/README.md says, or fix `image` in the inventory',
        },
  );
  for (const [what, file] of [
    ['guest agent', agentFor(spec, buildDir)],
    ['guest runner', join(buildDir, ...(spec.machine.arch === 'i386' ? ['i686'] : []), 'lab-guest.exe')],
  ] as const) {
    const there = await access(file).then(
      () => true,
      () => false,
    );
    checks.push(
      there
        ? { name: `${what} (${spec.machine.arch})`, ok: true, found: file }
        : {
            name: `${what} (${spec.machine.arch})`,
            ok: false,
            found: `${file} missing`,
            fix: 'run `npm run build` (it builds for i686 too; needs gcc-mingw-w64-i686)',
          },
    );
  }
  // Unix socket paths hold at most 107 bytes; a longer run folder makes lab fall back to the temp folder.
  const sample = sockets(join(labCacheDir(), 'qemu', 'runs', 'echo-20260101-000000-xxxxxxxx')).com1;
  checks.push({
    name: 'sockets (COM1, COM2, QMP) in the run folder',
    ok: true,
    found:
      sample.length < 100 ? `${join(labCacheDir(), 'qemu', 'runs')}/<run>/` : 'the cache path is long: the sockets go to a private folder in the temp folder',
    optional: true,
  });
  return checks;
}
