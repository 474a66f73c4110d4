import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { packageRoot } from '../../package-root/package-root.js';

export interface BuildFlags {
  mutants?: boolean;
}

/** `lab build`: the driver, guest runner and client (driver/Makefile does the work, incrementally). */
export async function buildCommand(flags: BuildFlags): Promise<void> {
  const targets = flags.mutants ? ['all', 'mutants'] : ['all'];
  const result = await execa('make', ['-s', '-C', 'driver', ...targets], { cwd: packageRoot(), reject: false, stdio: 'inherit' });
  if (result.failed) {
    const why =
      result.code === 'ENOENT' ? 'make is not installed. Fix: sudo apt-get install -y make' : `make exited with ${result.exitCode}; see the lines above`;
    throw new HarnessError('LAB_BUILD_FAILED', `building driver/ failed: ${why}`);
  }
}
