/**
 * Test support: a fresh Wine prefix cloned from the cached template, and a way to run a Windows program
 * in it to completion. The product's Wine target (lab/targets/wine/) uses the same template and clone.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { clonePrefix } from '../targets/wine/prefix-clone.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import { wineEnv } from '../targets/wine/wine-env.js';
import { killPrefixProcesses } from '../targets/wine/wine-reaper.js';
import { tempDir } from './temp-dir.js';

export interface FreshPrefix {
  prefix: string;
  /** The Linux path of the prefix's C:\ drive. */
  driveC: string;
  dispose(): Promise<void>;
}

export async function freshPrefix(): Promise<FreshPrefix> {
  const template = await ensureTemplate();
  // In lab's cache, beside the template: a hard-link clone needs the same file system.
  await mkdir(labCacheDir(), { recursive: true });
  const dir = await tempDir('prefix', { under: labCacheDir() });
  const prefix = join(dir, 'prefix');
  await clonePrefix(template, prefix);
  return {
    prefix,
    driveC: join(prefix, 'drive_c'),
    async dispose() {
      await killPrefixProcesses(prefix);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface WineRun {
  stdout: string;
  /** Wine's stderr without the "wine32 is missing" noise. */
  stderr: string;
  exitCode: number | undefined;
  timedOut: boolean;
}

/** Runs `wine <program> <args>` in the prefix, waits for it, then ends every process of the prefix. */
export async function runInWine(prefix: string, program: string, args: string[] = [], timeoutMs = 60_000): Promise<WineRun> {
  const result = await execa('wine', [program, ...args], {
    env: wineEnv(prefix),
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  await killPrefixProcesses(prefix);
  return {
    stdout: result.stdout,
    stderr: result.stderr
      .split('\n')
      .filter((l) => !/wine32 is missing|multiarch needs|dpkg --add-architecture|apt-get install wine32/.test(l))
      .join('\n'),
    exitCode: result.exitCode,
    timedOut: result.timedOut,
  };
}
