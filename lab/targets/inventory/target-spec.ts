/** One inventory entry, resolved; each kind's spec is defined with its kind (registry.ts). */
export type { TargetSpec } from '../registry.js';
export type { WineSpec } from '../wine/wine-kind.js';
export type { SshSpec } from '../ssh/ssh-kind.js';
export type { HypervSpec, HypervHostSpec } from '../hyperv/hyperv-kind.js';
export type { QemuSpec } from '../qemu/qemu-spec.js';
