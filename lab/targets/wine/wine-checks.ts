import { access, mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { toolCheck, type CheckResult } from '../../doctor/check.js';
import { labCacheDir } from './cache-dir.js';
import { prefixIsolation } from './isolation.js';

const APT = 'sudo apt-get install -y --no-install-recommends';

/** What the Wine target needs on this machine, with the fix for each missing piece. */
export async function wineChecks(buildDir: string): Promise<CheckResult[]> {
  const checks = await Promise.all([
    toolCheck('wine', 'wine', ['--version'], `${APT} wine wine64`),
    toolCheck('wineserver', 'wineserver', ['--version'], `${APT} wine wine64`),
    toolCheck('mingw-w64 C compiler', 'x86_64-w64-mingw32-gcc', ['--version'], `${APT} gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64`),
    toolCheck('osslsigncode (test signing)', 'osslsigncode', ['--version'], `${APT} osslsigncode`),
    toolCheck('openssl (test certificate)', 'openssl', ['version'], `${APT} openssl`),
    toolCheck('make', 'make', ['--version'], `${APT} make`),
  ]);
  const major = Number(process.versions.node.split('.')[0]);
  const minor = Number(process.versions.node.split('.')[1]);
  const nodeOk = major > 20 || (major === 20 && minor >= 19);
  checks.push({ name: 'node', ok: nodeOk, found: process.version, ...(nodeOk ? {} : { fix: 'install Node.js 20.19 or newer' }) });
  for (const file of ['lab-guest.exe', 'lab-monitor.exe', 'lab-anchor.sys', 'lab-prints.dll', 'objdev.sys', 'objdev-echo.exe']) {
    const path = join(buildDir, file);
    const ok = await access(path).then(
      () => true,
      () => false,
    );
    checks.push({ name: `driver/build/${file}`, ok, found: ok ? 'built' : 'missing', ...(ok ? {} : { fix: 'run `lab build` (or `npm run build`)' }) });
  }
  checks.push(await cacheCheck());
  checks.push(await isolationCheck());
  return checks;
}

/** How prefixes will be kept apart from the template; a copy is correct but slow, so it is a warning. */
async function isolationCheck(): Promise<CheckResult> {
  const isolation = await prefixIsolation(labCacheDir()).catch((error: Error) => ({ kind: 'copy' as const, why: error.message }));
  if (isolation.kind === 'namespace') return { name: 'clean prefixes', ok: true, found: `an overlay of the template in a ${isolation.namespace} namespace` };
  return {
    name: 'clean prefixes',
    ok: false,
    optional: true,
    found: `whole copies of the template (${isolation.why})`,
    fix:
      'allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0) ' +
      'for a revert in milliseconds instead of a copy of 700 MB',
  };
}

/** The template prefix takes about 700 MB once; each prefix adds what Wine writes (a few MB), or a whole copy. */
async function cacheCheck(): Promise<CheckResult> {
  const dir = labCacheDir();
  try {
    await mkdir(dir, { recursive: true });
    const fs = await statfs(dir);
    const freeGb = (fs.bavail * fs.bsize) / 1024 ** 3;
    const ok = freeGb >= 1;
    return {
      name: `cache ${dir}`,
      ok,
      found: `${freeGb.toFixed(1)} GB free`,
      ...(ok ? {} : { fix: 'free 1 GB there, or set LAB_CACHE_DIR to a folder with room' }),
    };
  } catch (error) {
    return { name: `cache ${dir}`, ok: false, found: (error as Error).message, fix: 'set LAB_CACHE_DIR to a writable folder' };
  }
}
