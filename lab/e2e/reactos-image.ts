import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { ROOT } from './run-lab.js';

/**
 * The ReactOS live CD the QEMU tests boot: beside the repository as the project's shared folder has it
 * (`<repo>/../shared/reactos/livecd-lab.iso.xz`, what infra/targets.yaml's `reactos` entry names), or
 * wherever LAB_REACTOS_IMAGE says. It is decompressed once into lab's cache, never into the repository.
 */
export const REACTOS_IMAGE = process.env.LAB_REACTOS_IMAGE ?? join(ROOT, '..', 'shared', 'reactos', 'livecd-lab.iso.xz');

function qemuWorks(): boolean {
  try {
    return execaSync('qemu-system-i386', ['--version'], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

/** Why the QEMU tests cannot run here, or undefined when they can (one line, with how to get what is missing). */
export const qemuSkipReason: string | undefined = !qemuWorks()
  ? 'QEMU tests skipped: qemu-system-i386 is missing (infra/setup.sh installs qemu-system-x86, qemu-utils and mtools)'
  : !existsSync(REACTOS_IMAGE)
    ? `QEMU tests skipped: no ReactOS image at ${REACTOS_IMAGE} (put livecd-lab.iso.xz there, or set LAB_REACTOS_IMAGE)`
    : undefined;

if (qemuSkipReason) process.stderr.write(`${qemuSkipReason}\n`);

/** The environment a CLI run on the `reactos` target needs: the image wherever it was found. */
export const reactosEnv = { LAB_REACTOS_IMAGE: REACTOS_IMAGE };
