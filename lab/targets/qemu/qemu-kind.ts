import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { localPath } from '../inventory/resolve-fields.js';
import { defineKind } from '../kind-def.js';
import { checkWindowsPath } from '../ssh/windows-path.js';
import { QEMU_FIELDS, QemuEntry, type QemuSpec } from './qemu-spec.js';

/**
 * A VM under QEMU on this machine. A live CD is booted once and snapshotted; each run starts from a
 * private copy of that snapshot's disk, so runs (and workers) do not share a machine. An installed
 * system's qcow2 is used in place: one run at a time.
 */
export const qemuKind = defineKind<typeof QemuEntry, QemuSpec>({
  kind: 'qemu',
  entry: QemuEntry,
  fields: QEMU_FIELDS,
  resolve: (entry, name, inventory): QemuSpec => {
    const fromEnv = entry.imageEnv ? process.env[entry.imageEnv] : undefined;
    const path = fromEnv ? localPath({ dir: process.cwd() }, fromEnv) : localPath(inventory, entry.image);
    return {
      kind: 'qemu',
      name,
      image: { path, kind: /\.qcow2$/i.test(path) ? 'qcow2' : 'iso', from: fromEnv ? `$${entry.imageEnv}` : `${inventory.file}: targets.${name}.image` },
      machine: { arch: entry.machine.arch, memoryMiB: entry.machine.memoryMiB ?? 1024, cpus: entry.machine.cpus ?? 1 },
      accelerator: entry.accelerator ?? 'auto',
      guestOs: entry.guestOs ?? 'windows',
      snapshot: entry.snapshot ?? 'lab-clean',
      bootTimeoutMs: entry.bootTimeoutMs ?? 300_000,
      guestDir: checkWindowsPath(entry.guestDir ?? 'C:\\lab'),
    };
  },
  load: async () => {
    const { QemuTarget } = await import('./qemu-target.js');
    return (spec: QemuSpec, c) =>
      new QemuTarget(spec, {
        runId: c.runId,
        keep: c.keep,
        agentExe: agentFor(spec, c.toolsDir),
        runnerExe: join(dirname(agentFor(spec, c.toolsDir)), 'lab-guest.exe'),
        ...(c.onProgress ? { onProgress: c.onProgress } : {}),
      });
  },
  checks: async (spec, buildDir) => (await import('./qemu-checks.js')).qemuChecks(spec, buildDir),
  exclusiveMachine: (spec) => spec.image.kind === 'qcow2',
  machine: (spec) => (spec.machine.arch === 'i386' ? 'i686' : 'x86_64'),
  observes: (spec) => [spec.guestOs],
});

/** The agent built for the guest's machine (driver/build/lab-agent.exe, or driver/build/i686/ for 32-bit). */
export function agentFor(spec: QemuSpec, toolsDir = defaultBuildDir()): string {
  // driver/build, or already its i686 folder (lab mutate names the folder of the runner it deploys).
  const root = basename(toolsDir) === 'i686' ? dirname(toolsDir) : toolsDir;
  return spec.machine.arch === 'i386' ? join(root, 'i686', 'lab-agent.exe') : join(root, 'lab-agent.exe');
}

function defaultBuildDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = here.includes(join('lab', 'dist')) ? join(here, '..', '..', '..', '..') : join(here, '..', '..', '..');
  return join(root, 'driver', 'build');
}
