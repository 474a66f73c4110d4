import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { labCacheDir } from './cache-dir.js';
import { wineEnv } from './wine-env.js';
import { killPrefixProcesses } from './wine-reaper.js';
import { cachedWineVersion, versionSlug } from './wine-version.js';

const READY_MARK = '.lab-template-ready';
/**
 * Bump when bootPrefix() changes what a template holds, so caches made by older labs are rebuilt (other
 * checkouts share ~/.cache/lab and keep using theirs). 3: no Z: drive and no profile folder linked to the
 * user's home; prefixes are overlays of the template, not hard-link clones.
 */
const RECIPE = 3;
/**
 * Where winedbg writes the registers and backtrace of a crashed process no debugger watches (the guest
 * runner, a client: lab-monitor watches the driver hosts and reports their crashes itself).
 */
export const CRASH_REPORT_PATH = 'C:\\lab\\crash.txt';

export interface TemplateOptions {
  cacheDir?: string;
  /** Called with a short line when slow work starts (the template takes 10 to 30 s once). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * The template prefix for the installed Wine: made once per Wine version with `wineboot -i`, then only
 * ever read: per-run prefixes are overlays or copies of it (isolation.ts). Concurrent callers build into
 * private folders and the first rename wins.
 */
export async function ensureTemplate(options: TemplateOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? labCacheDir();
  const version = await cachedWineVersion(cacheDir);
  const root = join(cacheDir, 'wine', versionSlug(version));
  const template = join(root, `template-r${RECIPE}`);
  if (await isReady(template)) return template;

  await mkdir(root, { recursive: true });
  // One builder at a time: parallel test files and workers wait for it rather than booting Wine twice.
  const release = await acquireLock(join(root, 'lock'), options.signal);
  try {
    if (await isReady(template)) return template;
    await buildTemplate(root, template, version, options);
  } finally {
    await release();
  }
  return template;
}

async function buildTemplate(root: string, template: string, version: string, options: TemplateOptions): Promise<void> {
  // Holding the lock, every half-made prefix here is an earlier builder's that was interrupted.
  for (const name of await readdir(root)) if (name.startsWith('building-')) await rm(join(root, name), { recursive: true, force: true });
  const building = join(root, `building-${process.pid}-${Date.now()}`);
  options.onProgress?.(`making the Wine template prefix for ${version} (once per Wine version)`);
  try {
    await bootPrefix(building, options.signal);
    await writeFile(join(building, READY_MARK), `${version}\n${new Date().toISOString()}\n`);
    try {
      await rename(building, template);
    } catch (error) {
      // Another process finished first; its template is as good as ours.
      if (!(await isReady(template))) throw error;
    }
  } finally {
    // Removing several hundred MB takes seconds; an interrupted build leaves it to the next builder, so
    // Ctrl-C stays prompt. The ready mark never exists in a `building-` folder.
    if (!options.signal?.aborted) await rm(building, { recursive: true, force: true });
  }
  if (!(await isReady(template))) {
    throw new HarnessError('LAB_WINE_TEMPLATE', `the Wine template prefix at ${template} is not usable. Fix: delete that folder and run again.`);
  }
}

/** A lock folder holding the owner's pid; a lock whose owner is gone is taken over. */
export async function acquireLock(lock: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    if (owner && !isAlive(owner)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (signal?.aborted) throw signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isReady(template: string): Promise<boolean> {
  try {
    await stat(join(template, READY_MARK));
    await stat(join(template, 'system.reg'));
    return true;
  } catch {
    return false;
  }
}

async function bootPrefix(prefix: string, signal?: AbortSignal): Promise<void> {
  const env = wineEnv(prefix, { WINEDEBUG: '-all' });
  const run = (file: string, args: string[]) =>
    // SIGKILL on cancel: Wine's loader takes SIGTERM slowly, and execa would wait 5 s before forcing it;
    // the reaper in the catch ends the rest of the prefix's processes.
    execa(file, args, {
      env,
      extendEnv: false,
      timeout: 180_000,
      cancelSignal: signal,
      killSignal: 'SIGKILL',
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
    });
  try {
    await run('wineboot', ['-i']);
    // A crashed driver host runs winedbg unattended; its report (registers, backtrace, the faulting
    // instruction) goes to a file, because the host's own console is nowhere a human or lab can see.
    const aeDebug = 'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\AeDebug';
    await run('wine', ['reg', 'add', aeDebug, '/v', 'Auto', '/d', '1', '/f']);
    await run('wine', [
      'reg',
      'add',
      aeDebug,
      '/v',
      'Debugger',
      '/d',
      `cmd /c C:\\windows\\system32\\winedbg.exe --auto %ld %ld >${CRASH_REPORT_PATH} 2>&1`,
      '/f',
    ]);
    await run('wineserver', ['-w']);
    await sealPrefix(prefix);
  } catch (cause) {
    // Everything the half-made prefix started dies before the folder is removed (Ctrl-C lands here too).
    await killPrefixProcesses(prefix);
    const detail = (cause as { stderr?: string }).stderr
      ?.split('\n')
      .filter((l) => l && !/wine32|multiarch|apt-get/.test(l))
      .slice(-3)
      .join(' | ');
    throw new HarnessError(
      'LAB_WINE_TEMPLATE',
      `could not make a Wine prefix at ${prefix}${detail ? `: ${detail}` : ''}. Fix: check that \`wine --version\` works and that the disk has 1 GB free.`,
      { cause },
    );
  }
}

/**
 * What wineboot links outside the prefix is cut off: the Z: drive (the whole host file system), serial ports, and the
 * profile folders (Desktop, Documents...) that point at the user's home, which become plain empty folders.
 * Through them a driver wrote, and lab read, the host's files (`C:\users\root\Desktop\.profile`).
 */
async function sealPrefix(prefix: string): Promise<void> {
  // Only C: stays: Z: is the host's root, COM1 a host device.
  for (const name of await readdir(join(prefix, 'dosdevices'))) if (name !== 'c:') await rm(join(prefix, 'dosdevices', name), { force: true });
  const drive = join(prefix, 'drive_c');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) {
        const target = await readlink(path);
        const resolved = normalize(isAbsolute(target) ? target : join(dir, target));
        const inside = !relative(drive, resolved).startsWith('..') && !isAbsolute(relative(drive, resolved));
        if (inside) continue;
        const wasFolder = (await stat(path).catch(() => undefined))?.isDirectory() ?? true;
        await rm(path);
        if (wasFolder) await mkdir(path);
      }
    }
  };
  await walk(drive);
  if ((await lstat(join(prefix, 'dosdevices', 'z:')).catch(() => undefined)) !== undefined) throw new Error('the Z: drive could not be removed');
}

/** The Wine version a template was made with (for reports). */
export async function templateVersion(template: string): Promise<string> {
  return (await readFile(join(template, READY_MARK), 'utf8')).split('\n')[0] ?? '';
}
