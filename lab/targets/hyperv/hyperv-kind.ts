import { z } from 'zod';
import type { RawIssue } from '../../config-file/schema-issues.js';
import { Connection, GuestFields, Ms, Name } from '../inventory/fields.js';
import { endpointOf, guestOf } from '../inventory/resolve-fields.js';
import { defineKind } from '../kind-def.js';
import type { GuestSettings } from '../ssh/guest-settings.js';
import { connectionRules } from '../ssh/ssh-kind.js';
import type { SshEndpoint } from '../ssh/ssh-endpoint.js';

export interface HypervSpec {
  kind: 'hyperv';
  name: string;
  host: HypervHostSpec;
  vm: string;
  checkpoint: string;
  bootTimeoutMs: number;
  pollMs: number;
  rebootTimeoutMs: number;
  /** The guest's SSH endpoint; `host` is empty when it comes from the VM's IP address at run time. */
  guestEndpoint: SshEndpoint;
  guestHostFixed: boolean;
  guest: GuestSettings;
  verifier?: { flags: number; drivers?: string[] };
}

export type HypervHostSpec =
  | { kind: 'local'; name: string; powershell: 'powershell' | 'pwsh' }
  | { kind: 'ssh'; name: string; endpoint: SshEndpoint; powershell: 'powershell' | 'pwsh' };

const HypervEntry = z.strictObject({
  kind: z.literal('hyperv'),
  description: z.string().optional(),
  /** A key of `hypervHosts`. */
  hypervHost: Name,
  /** The VM's name in Hyper-V (matched exactly, never as a wildcard). */
  vm: z.string().min(1),
  checkpoint: z.string().min(1).optional(),
  /** Restore → heartbeat OK and an IP address, at most this long. */
  bootTimeoutMs: Ms.optional(),
  pollMs: Ms.optional(),
  /** After a bugcheck: the guest back up (to read event 1001 and the dump), at most this long. */
  rebootTimeoutMs: Ms.optional(),
  guest: z.strictObject({
    /** Fixed address; default: the VM's first IPv4 address as Hyper-V reports it. */
    host: z.string().min(1).optional(),
    ...Connection,
    ...GuestFields,
  }),
  /** Driver Verifier for every run, volatile (no reboot): `verifier /volatile /flags <flags> /adddriver <drivers>`. */
  verifier: z
    .strictObject({
      flags: z.union([z.number().int().min(0).max(0xffffffff), z.string().regex(/^0x[0-9A-Fa-f]{1,8}$/, 'expected a number or a hex string like 0x9bb')]),
      /** Default: every .sys file the run deploys. */
      drivers: z
        .array(z.string().regex(/^[^\\/:*?"<>|\s]+\.sys$/i, 'expected a driver file name like objdev.sys'))
        .min(1)
        .optional(),
    })
    .optional(),
});
/** A VM on a Hyper-V host, restored to a checkpoint: one machine, so one run at a time. */
export const hypervKind = defineKind<typeof HypervEntry, HypervSpec>({
  kind: 'hyperv',
  entry: HypervEntry,
  fields: [
    'kind',
    'description',
    'hypervHost',
    'vm',
    'checkpoint',
    'bootTimeoutMs',
    'pollMs',
    'rebootTimeoutMs',
    'guest',
    'verifier',
    'flags',
    'drivers',
    'host',
    'port',
    'user',
    'hostKey',
    'auth',
    'timeouts',
    'reconnect',
    'guestDir',
    'dbgview',
    'cleanPaths',
  ],
  rules: (entry, at, inventory) => {
    const issues: RawIssue[] = connectionRules(entry.guest, [...at, 'guest']);
    const hosts = inventory.hypervHosts ?? {};
    if (!hosts[entry.hypervHost]) {
      const known = Object.keys(hosts);
      issues.push({
        path: [...at, 'hypervHost'],
        message: `expected the name of an entry in \`hypervHosts\`${known.length ? ` (${known.join(', ')})` : ' (there is none)'}, found "${entry.hypervHost}"`,
      });
    }
    const hostKey = entry.guest.hostKey;
    if (!entry.guest.host && hostKey?.knownHosts === undefined && !hostKey?.fingerprint) {
      issues.push({
        path: [...at, 'guest', 'hostKey'],
        message: 'a VM whose address comes from Hyper-V needs a pinned `fingerprint` (its IP address may change, so known_hosts cannot name it reliably)',
      });
    }
    return issues;
  },
  resolve: (entry, name, inventory): HypervSpec => {
    const label = (path: string) => `${inventory.file}: ${path}`;
    const hostEntry = inventory.raw.hypervHosts![entry.hypervHost]!;
    const shell = hostEntry.powershell ?? 'powershell';
    const host: HypervHostSpec = hostEntry.ssh
      ? {
          kind: 'ssh',
          name: entry.hypervHost,
          endpoint: endpointOf(inventory, label(`hypervHosts.${entry.hypervHost}.ssh`), hostEntry.ssh.host, hostEntry.ssh),
          powershell: shell,
        }
      : { kind: 'local', name: entry.hypervHost, powershell: shell };
    const flags = entry.verifier ? (typeof entry.verifier.flags === 'number' ? entry.verifier.flags : parseInt(entry.verifier.flags, 16)) : undefined;
    return {
      kind: 'hyperv',
      name,
      host,
      vm: entry.vm,
      checkpoint: entry.checkpoint ?? 'lab-clean',
      bootTimeoutMs: entry.bootTimeoutMs ?? 300_000,
      pollMs: entry.pollMs ?? 2_000,
      rebootTimeoutMs: entry.rebootTimeoutMs ?? 600_000,
      guestEndpoint: endpointOf(inventory, label(`targets.${name}.guest`), entry.guest.host ?? '', entry.guest),
      guestHostFixed: Boolean(entry.guest.host),
      guest: guestOf(entry.guest),
      ...(flags !== undefined ? { verifier: { flags, ...(entry.verifier?.drivers ? { drivers: entry.verifier.drivers } : {}) } } : {}),
    };
  },
  load: async () => {
    const { HypervTarget } = await import('./hyperv-target.js');
    return (s: HypervSpec, c) => new HypervTarget(s, { runId: c.runId, keep: c.keep, ...(c.onProgress ? { onProgress: c.onProgress } : {}) });
  },
  checks: async (spec, buildDir) => (await import('./hyperv-checks.js')).hypervChecks(spec, buildDir),
  exclusiveMachine: () => true,
  machine: () => 'x86_64',
  observes: () => ['windows'],
});
