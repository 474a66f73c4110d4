/**
 * Test support for the guest runner's Wine tests: put lab-guest.exe, the driver and a plan into a prefix's
 * C:\lab\, run it once, and decode every stdout line with the product's decoder (a line it cannot decode
 * fails the test: the runner must never write one).
 */
import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeGuestLine } from '../../../lab/guest/result-decoder.js';
import type { GuestEvent } from '../../../lab/guest/result.js';
import { runInWine, type FreshPrefix } from '../../../lab/testing/wine.js';

export const BUILD = resolve(dirname(fileURLToPath(import.meta.url)), '../../build');
export const RUNNER = join(BUILD, 'lab-guest.exe');
export const OBJDEV = join(BUILD, 'objdev.sys');

/** The build outputs a test needs; a clear failure (not a skip) when `npm run build` has not made them. */
export async function built(...paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await access(path);
    } catch {
      throw new Error(`${path} is missing. Fix: npm run build (make -C driver) first.`);
    }
  }
}

export interface GuestRun {
  events: GuestEvent[];
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  timedOut: boolean;
}

export interface RunOptions {
  /** Extra files for C:\lab\ (name → content; a name may have folders: `sub/.keep`). */
  files?: Record<string, string | Uint8Array>;
  /** The runner's arguments; default the plan. */
  args?: string[];
  timeoutMs?: number;
}

/** Runs C:\lab\lab-guest.exe C:\lab\plan.txt (objdev.sys beside it) and decodes its output. */
export async function runGuest(prefix: FreshPrefix, plan: string | Uint8Array | null, options: RunOptions = {}): Promise<GuestRun> {
  const lab = join(prefix.driveC, 'lab');
  await mkdir(lab, { recursive: true });
  await copyFile(RUNNER, join(lab, 'lab-guest.exe'));
  await copyFile(OBJDEV, join(lab, 'objdev.sys'));
  if (plan !== null) await writeFile(join(lab, 'plan.txt'), plan);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(lab, name)), { recursive: true });
    await writeFile(join(lab, name), content);
  }
  const run = await runInWine(prefix.prefix, 'C:\\lab\\lab-guest.exe', options.args ?? ['C:\\lab\\plan.txt'], options.timeoutMs ?? 60_000);
  const lines = run.stdout.split('\n');
  if (lines.at(-1) !== '') throw new Error(`the runner's output does not end with a newline: ${run.stdout.slice(-200)}`);
  return { ...run, events: lines.slice(0, -1).map((line) => decodeGuestLine(line)) };
}

/** The events of one type, typed. */
export function eventsOf<T extends GuestEvent['t']>(run: GuestRun, t: T): Extract<GuestEvent, { t: T }>[] {
  return run.events.filter((e): e is Extract<GuestEvent, { t: T }> => e.t === t);
}
