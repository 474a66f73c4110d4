import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root/package-root.js';
import { tempDir } from '../testing/temp-dir.js';

/** The launcher beside a lab/dist of our making: `main.js` is the compiled CLI it loads. */
async function launcherWith(mainJs: string | undefined) {
  const lab = await tempDir('launcher');
  await mkdir(join(lab, 'bin'));
  await copyFile(join(packageRoot(), 'lab', 'bin', 'lab.js'), join(lab, 'bin', 'lab.js'));
  if (mainJs !== undefined) {
    await mkdir(join(lab, 'dist', 'cli'), { recursive: true });
    await writeFile(join(lab, 'dist', 'cli', 'main.js'), mainJs);
  }
  return execa('node', [join(lab, 'bin', 'lab.js'), 'list'], { reject: false });
}

describe('the lab launcher', () => {
  it('without a build: exit 3 and how to build', async () => {
    const r = await launcherWith(undefined);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('lab: the TypeScript is not built yet. Fix: run `npm run build` in the repository.');
  });

  it('a build that does not load: exit 3, one line and the fix, not a stack and exit 1', async () => {
    const r = await launcherWith("import './missing-part.js';\nexport async function main() { return 0; }\n");
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(
      /^lab: the built CLI \(lab\/dist\) does not load: Cannot find module '.*missing-part\.js' imported from .*main\.js\. Fix: run `npm run build` in the repository\.$/,
    );
  });

  it('hands the arguments to main and exits with what it returns', async () => {
    const r = await launcherWith('export async function main(argv) { process.stdout.write(argv.join(",")); return 2; }\n');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('list');
  });
});
