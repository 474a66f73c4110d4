import { z } from 'zod';
import type { RawIssue } from '../../config-file/schema-issues.js';
import { Connection, GuestFields } from '../inventory/fields.js';
import { endpointOf, guestOf } from '../inventory/resolve-fields.js';
import { defineKind } from '../kind-def.js';
import type { GuestSettings } from './guest-settings.js';
import type { SshEndpoint } from './ssh-endpoint.js';

export interface SshSpec {
  kind: 'ssh';
  name: string;
  endpoint: SshEndpoint;
  guest: GuestSettings;
}

const SshEntry = z.strictObject({
  kind: z.literal('ssh'),
  description: z.string().optional(),
  host: z.string().min(1),
  ...Connection,
  ...GuestFields,
});
type RawConnection = z.infer<typeof SshEntry>;

/** The rules every SSH connection to a Windows guest follows (a plain machine, a Hyper-V VM's guest). */
export function connectionRules(connection: Pick<RawConnection, 'auth' | 'guestDir' | 'hostKey'>, at: PropertyKey[]): RawIssue[] {
  const issues: RawIssue[] = [];
  const auth = connection.auth;
  if (!auth.agent && !auth.keyFile && !auth.passwordEnv)
    issues.push({ path: [...at, 'auth'], message: 'expected at least one of `agent: true`, `keyFile` or `passwordEnv`' });
  if (auth.passphraseEnv && !auth.keyFile) issues.push({ path: [...at, 'auth', 'passphraseEnv'], message: '`passphraseEnv` needs the `keyFile` it unlocks' });
  if (connection.guestDir?.includes('%')) {
    issues.push({
      path: [...at, 'guestDir'],
      message:
        "a guest folder may not contain `%`: the driver is loaded from there, and Windows expands %NAME% in a service's image path (REG_EXPAND_SZ), so it would load from somewhere else",
    });
  }
  const hostKey = connection.hostKey;
  if (hostKey?.fingerprint && (hostKey.knownHosts || hostKey.trustOnFirstUse))
    issues.push({ path: [...at, 'hostKey'], message: 'expected either a pinned `fingerprint` or `knownHosts` (with `trustOnFirstUse`), not both' });
  return issues;
}

/** A Windows machine over SSH: one machine, so one run at a time. */
export const sshKind = defineKind<typeof SshEntry, SshSpec>({
  kind: 'ssh',
  entry: SshEntry,
  fields: [
    'kind',
    'description',
    'host',
    'port',
    'user',
    'hostKey',
    'auth',
    'timeouts',
    'reconnect',
    'fingerprint',
    'knownHosts',
    'trustOnFirstUse',
    'agent',
    'keyFile',
    'passphraseEnv',
    'passwordEnv',
    'connectMs',
    'commandMs',
    'keepaliveMs',
    'keepaliveCountMax',
    'attempts',
    'delayMs',
    'guestDir',
    'dbgview',
    'cleanPaths',
  ],
  rules: (entry, at) => connectionRules(entry, at),
  resolve: (entry, name, inventory): SshSpec => ({
    kind: 'ssh',
    name,
    endpoint: endpointOf(inventory, `${inventory.file}: targets.${name}`, entry.host, entry),
    guest: guestOf(entry),
  }),
  load: async () => {
    const [{ SshTarget }, { SshLink }] = await Promise.all([import('./ssh-target.js'), import('./ssh-link.js')]);
    return (s: SshSpec, c) =>
      new SshTarget({
        name: s.name,
        runId: c.runId,
        link: new SshLink(s.endpoint, c.onProgress),
        guest: s.guest,
        keep: c.keep,
        ...(c.onProgress ? { onProgress: c.onProgress } : {}),
      });
  },
  checks: async (spec, buildDir) => {
    const [{ SshLink }, { sshChecks }] = await Promise.all([import('./ssh-link.js'), import('./ssh-checks.js')]);
    const link = new SshLink(spec.endpoint);
    try {
      return await sshChecks(link, spec.guest, buildDir);
    } finally {
      await link.close();
    }
  },
  exclusiveMachine: () => true,
  machine: () => 'x86_64',
  observes: () => ['windows'],
});
