import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { acquireLock } from '../wine/prefix-template.js';
import { makeDataDisk } from './data-disk.js';
import type { QemuMachineConfig } from './qemu-command.js';
import { QemuMachine } from './qemu-machine.js';

/** Bump when what the clean disk holds changes (boot.cmd, the disk layout), so old caches are not used. */
const RECIPE = 4;
export const CLEAN_SNAPSHOT = 'lab-clean';

/** The live CD's logon hook calls this with the drive letter; the agent then serves COM2. */
export const BOOT_CMD = ['@echo off', 'dbgprint "LAB: starting lab-agent from %1\\lab"', 'start "lab-agent" %1\\lab\\lab-agent.exe \\\\.\\COM2', ''].join(
  '\r\n',
);

export interface CleanImage {
  iso?: string;
  /** A qcow2 holding the snapshot: copied for each run (an internal snapshot cannot live in an overlay). */
  disk: string;
  snapshot: string;
  /** Set when this call booted the machine to make it. */
  made?: { bootMs: number; savevmMs: number };
}

export interface CleanImageInput {
  /** The live CD: an .iso, or an .iso.xz decompressed once into the cache. */
  image: string;
  machine: Pick<QemuMachineConfig, 'arch' | 'memoryMiB' | 'cpus' | 'accelerator'>;
  agentExe: string;
  /** lab's guest runner for this machine: put on the clean disk too (C:\lab\lab-guest.exe), so a run's deploy finds it there. */
  runnerExe?: string;
  cacheDir: string;
  bootTimeoutMs: number;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * The live CD booted to its desktop with the agent answering, saved as snapshot `lab-clean` in a small
 * qcow2 (the CD's C:). Booting takes about a minute under TCG; it is done once per (image, agent build,
 * runner build, machine, QEMU version) and cached, so a run starts from the snapshot in a few seconds.
 * The guest runner is on that disk too: over the serial line it would cost about 7 s a run.
 */
export async function ensureCleanImage(input: CleanImageInput): Promise<CleanImage> {
  const iso = await liveIso(input.image, input.cacheDir, input.onProgress);
  const qemuVersion = (await execa(`qemu-system-${input.machine.arch}`, ['--version'], { reject: false })).stdout.split('\n')[0] ?? '';
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        recipe: RECIPE,
        iso: basename(iso),
        agent: await fileHash(input.agentExe),
        runner: input.runnerExe ? await fileHash(input.runnerExe) : null,
        boot: BOOT_CMD,
        machine: input.machine,
        qemuVersion,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const root = join(input.cacheDir, 'qemu', 'clean');
  const dir = join(root, key);
  const disk = join(dir, 'disk.qcow2');
  if (await exists(disk)) return { iso, disk, snapshot: CLEAN_SNAPSHOT };
  await mkdir(root, { recursive: true });
  const release = await acquireLock(join(root, `${key}.lock`), input.signal);
  try {
    if (await exists(disk)) return { iso, disk, snapshot: CLEAN_SNAPSHOT };
    for (const name of await readdir(root)) if (name.startsWith(`${key}.building-`)) await rm(join(root, name), { recursive: true, force: true });
    const building = join(root, `${key}.building-${process.pid}`);
    await mkdir(building, { recursive: true });
    try {
      const made = await bootAndSave(iso, building, input);
      await writeFile(
        join(building, 'made.json'),
        JSON.stringify({ ...made, image: input.image, machine: input.machine, qemuVersion, at: new Date().toISOString() }, null, 2),
      );
      await rename(building, dir);
      await rename(`${building}.boot.log`, join(dir, 'boot.log')).catch(() => undefined);
      await pruneSuperseded(root, key, input);
      return { iso, disk, snapshot: CLEAN_SNAPSHOT, made };
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

async function bootAndSave(iso: string, dir: string, input: CleanImageInput): Promise<{ bootMs: number; savevmMs: number }> {
  const disk = join(dir, 'disk.qcow2');
  await makeDataDisk(disk, [
    { name: 'boot.cmd', text: BOOT_CMD },
    { name: 'lab-agent.exe', local: input.agentExe },
    ...(input.runnerExe ? [{ name: 'lab-guest.exe', local: input.runnerExe }] : []),
  ]);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  input.onProgress?.(
    `booting ${basename(input.image)} under ${input.machine.accelerator.toUpperCase()} to make the clean snapshot (once; about a minute under TCG)`,
  );
  // The kernel's debug port during the boot, kept beside the cache for when a boot fails.
  const log = createWriteStream(`${dir}.boot.log`);
  // A log that cannot be written (a full disk) must not end lab: the boot goes on without it, and says so.
  let logFailed = false;
  log.on('error', (error) => {
    logFailed = true;
    input.onProgress?.(`the boot log ${dir}.boot.log could not be written: ${error.message}`);
  });
  let agentReady!: () => void;
  const ready = new Promise<void>((resolve) => (agentReady = resolve));
  const onDebugText = (text: string) => {
    if (!logFailed) log.write(`${text}\n`);
    if (text.startsWith(AGENT_READY)) agentReady();
  };
  const machine = await QemuMachine.start({ ...input.machine, iso, disk, socketDir: dir }, dir, {
    onDebugText,
    onDebuggerPrompt: () => undefined,
    onPanic: () => undefined,
    onExit: () => undefined,
  });
  const ticker = setInterval(() => input.onProgress?.(`still booting: ${seconds()} s`), 15_000);
  try {
    await machine.resume();
    // No PING before the agent says (on the debug port) that it reads its port: requests sent earlier
    // would pile up and be answered all at once, while more arrive, which ReactOS's serial.sys may not survive.
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      ready.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), input.bootTimeoutMs))),
      abortOf(input.signal),
    ]).finally(() => clearTimeout(timer));
    await (waited ? machine.agent.handshake(30_000, input.signal) : Promise.reject(new Error('no ready line'))).catch((error: Error) => {
      if (input.signal?.aborted) throw error;
      throw new HarnessError(
        'LAB_QEMU_BOOT',
        `${basename(input.image)} did not boot to the guest agent within ${Math.round(input.bootTimeoutMs / 1000)} s ` +
          `(${machine.gone ? `QEMU ${machine.gone}` : 'QEMU still running'}); ` +
          `the kernel's debug output is in ${dir}.boot.log. ` +
          `Fix: check the image boots (\`lab doctor --target <name>\`), or raise bootTimeoutMs.`,
      );
    });
    const bootMs = Date.now() - started;
    // Saved right after an answer (and the pause that lets the port settle), so the snapshot holds a
    // port that hears: a snapshot taken mid-exchange would bring a deaf one back on every revert.
    await machine.agent.ping(Buffer.from('snapshot'), 30_000);
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    await machine.savevm(CLEAN_SNAPSHOT);
    const savevmMs = Date.now() - t;
    input.onProgress?.(`booted in ${Math.round(bootMs / 100) / 10} s; saved snapshot ${CLEAN_SNAPSHOT} in ${savevmMs} ms`);
    return { bootMs, savevmMs };
  } finally {
    clearInterval(ticker);
    log.end();
    await machine.kill();
    for (const name of ['com1.sock', 'agent.in', 'agent.out', 'qmp.sock']) await rm(join(dir, name), { force: true });
  }
}

/**
 * Older clean disks of the same image and machine (another agent or runner build) are about 150 MB each
 * and will not be used again: removed once their successor exists. A run copies its disk at its start,
 * so a run already going does not need them.
 */
async function pruneSuperseded(root: string, key: string, input: CleanImageInput): Promise<void> {
  for (const name of await readdir(root)) {
    if (name === key || !/^[0-9a-f]{16}$/.test(name)) continue;
    const made = await readFile(join(root, name, 'made.json'), 'utf8').then(
      (t) => JSON.parse(t) as { image?: string; machine?: unknown },
      () => undefined,
    );
    if (made?.image === input.image && JSON.stringify(made.machine) === JSON.stringify(input.machine))
      await rm(join(root, name), { recursive: true, force: true });
  }
}

/** An .iso as it is; an .iso.xz decompressed once into the cache, named by its content. */
export async function liveIso(image: string, cacheDir: string, onProgress?: (line: string) => void): Promise<string> {
  if (!image.endsWith('.xz')) return image;
  const hash = (await fileHash(image)).slice(0, 12);
  const dir = join(cacheDir, 'qemu', 'images');
  const iso = join(dir, `${basename(image, '.xz').replace(/\.iso$/, '')}-${hash}.iso`);
  if (await exists(iso)) return iso;
  await mkdir(dir, { recursive: true });
  onProgress?.(`decompressing ${basename(image)} into ${dir} (once)`);
  const partial = `${iso}.${process.pid}.part`;
  try {
    const xz = execa('xz', ['-dc', image], { stdout: 'pipe', buffer: false, stdin: 'ignore' });
    await Promise.all([pipeline(xz.stdout!, createWriteStream(partial)), xz]);
    await rename(partial, iso);
  } catch (error) {
    await rm(partial, { force: true });
    throw new HarnessError('LAB_QEMU_IMAGE', `cannot decompress ${image}: ${(error as Error).message}. Fix: install xz-utils, or give an .iso.`);
  }
  return iso;
}

/** What the agent prints on the debug port once it reads its serial port. */
export const AGENT_READY = 'lab-agent: ready';

function abortOf(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

export async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
