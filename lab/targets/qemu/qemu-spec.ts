import { z } from 'zod';
import { EnvName, Ms, WindowsPath } from '../inventory/fields.js';
import type { QemuArch } from './qemu-command.js';

/**
 * An inventory entry of kind `qemu`. The image is a live CD (`.iso`, or `.iso.xz` decompressed once into
 * lab's cache; lab adds a small qcow2 C: drive with its agent and boots it once to a snapshot) or an
 * installed system's `.qcow2` that already holds the agent as a service and the snapshot to revert to
 * (infra/qemu/README.md).
 */
export const QemuEntry = z.strictObject({
  kind: z.literal('qemu'),
  description: z.string().optional(),
  /** Relative paths start at the inventory's folder. */
  image: z
    .string()
    .min(1)
    .regex(/\.(iso|iso\.xz|qcow2)$/i, 'expected an image ending in .iso, .iso.xz (a live CD) or .qcow2 (an installed system with a snapshot)'),
  /** When this environment variable is set, it names the image instead. */
  imageEnv: EnvName.optional(),
  machine: z.strictObject({
    arch: z.enum(['i386', 'x86_64']),
    memoryMiB: z.number().int().min(256).max(65536).optional(),
    cpus: z.number().int().min(1).max(64).optional(),
  }),
  /** `auto` (default): KVM when /dev/kvm can really run a guest here, else TCG. */
  accelerator: z.enum(['auto', 'kvm', 'tcg']).optional(),
  /** The serial ports lab wires: the agent's and the kernel's debug port. */
  channels: z.strictObject({ agent: z.literal('COM2').optional(), debug: z.literal('COM1').optional() }).optional(),
  /** What the mutant catalog and the gap list call this guest: `reactos` or `windows` (default). */
  guestOs: z.enum(['reactos', 'windows']).optional(),
  /** The internal snapshot of a .qcow2 image to start from and revert to (default lab-clean). */
  snapshot: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'expected a snapshot name of letters, digits, `.`, `_` and `-`')
    .optional(),
  /** Booting a live CD to its agent, at most this long (default 300000; TCG needs about a minute). */
  bootTimeoutMs: Ms.optional(),
  guestDir: WindowsPath.optional(),
});

export type RawQemuEntry = z.infer<typeof QemuEntry>;

export interface QemuSpec {
  kind: 'qemu';
  name: string;
  image: { path: string; kind: 'iso' | 'qcow2'; from: string };
  machine: { arch: QemuArch; memoryMiB: number; cpus: number };
  accelerator: 'auto' | 'kvm' | 'tcg';
  guestOs: 'reactos' | 'windows';
  snapshot: string;
  bootTimeoutMs: number;
  guestDir: string;
}

export const QEMU_FIELDS = [
  'kind',
  'description',
  'image',
  'imageEnv',
  'machine',
  'arch',
  'memoryMiB',
  'cpus',
  'accelerator',
  'channels',
  'agent',
  'debug',
  'guestOs',
  'snapshot',
  'bootTimeoutMs',
  'guestDir',
] as const;
