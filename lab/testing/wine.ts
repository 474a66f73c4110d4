/**
 * Test support: a fresh Wine prefix made from the cached template the way the product makes one (an
 * overlay in a namespace of its own, or a copy: lab/targets/wine/isolation.ts), and a way to run a Windows
 * program in it to completion.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { makePrefix } from '../targets/wine/isolation.js';
import type { Prefix } from '../targets/wine/prefix.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import { wineEnv } from '../targets/wine/wine-env.js';
import { killPrefixProcesses } from '../targets/wine/wine-reaper.js';
import { tempDir } from './temp-dir.js';

export interface FreshPrefix {
  /** WINEPREFIX, as Wine sees it. */
  prefix: string;
  /** The Linux path of the prefix's C:\ drive, as this process reaches it. */
  driveC: string;
  dispose(): Promise<void>;
}

/** The prefixes made here, by WINEPREFIX: runInWine takes the path the tests already pass around. */
const made = new Map<string, Prefix>();

export async function freshPrefix(): Promise<FreshPrefix> {
  const template = await ensureTemplate();
  // In lab's cache, beside the template (removed after the test file even if dispose never runs).
  const dir = await tempDir('prefix', { under: labCacheDir() });
  const prefix = await makePrefix(template, join(dir, 'p'), labCacheDir());
  made.set(prefix.path, prefix);
  return {
    prefix: prefix.path,
    driveC: prefix.host(join(prefix.path, 'drive_c')),
    async dispose() {
      made.delete(prefix.path);
      await prefix.remove();
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

/**
 * Runs `wine <program> <args>` in the prefix, waits for it, then ends every process of the prefix. `env`
 * is added to Wine's environment (WINEDEBUG for the session's first process, as the Wine target sets it).
 */
export async function runInWine(prefix: string, program: string, args: string[] = [], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<WineRun> {
  const known = made.get(prefix);
  const { file, args: argv } = known ? known.command('wine', [program, ...args], join(prefix, 'drive_c')) : { file: 'wine', args: [program, ...args] };
  const child = execa(file, argv, { env: wineEnv(prefix, env), extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false });
  // The timeout ends the prefix's processes, not only the program lab started: in a prefix's namespace
  // that is `nsenter`, whose child (Wine) would go on holding the pipes.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void killPrefixProcesses(prefix);
  }, timeoutMs);
  const result = await child;
  clearTimeout(timer);
  await killPrefixProcesses(prefix);
  return {
    stdout: result.stdout,
    stderr: result.stderr
      .split('\n')
      .filter((l) => !/wine32 is missing|multiarch needs|dpkg --add-architecture|apt-get install wine32/.test(l))
      .join('\n'),
    exitCode: result.exitCode,
    timedOut,
  };
}
