import type { RawInventory } from './inventory-schema.js';
import type { RawIssue } from '../../config-file/schema-issues.js';
import { kindOf } from '../registry.js';

/** Field names that would put a secret into the file; lab refuses them wherever they appear. */
const SECRET_FIELDS: Record<string, string> = {
  password: 'passwordEnv',
  passphrase: 'passphraseEnv',
  privateKey: 'keyFile',
  secret: 'passwordEnv',
  token: 'passwordEnv',
};

/** Runs before the schema, on the raw data, so a secret gets this message rather than "unknown field". */
export function secretFieldIssues(data: unknown): RawIssue[] {
  const issues: RawIssue[] = [];
  const walk = (node: unknown, path: PropertyKey[]) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (node && typeof node === 'object') {
      // Under `targets` and `hypervHosts` the keys are names the user chose, not fields.
      const named = path.length === 1 && (path[0] === 'targets' || path[0] === 'hypervHosts');
      for (const [key, value] of Object.entries(node)) {
        const instead = named ? undefined : SECRET_FIELDS[key];
        if (instead)
          issues.push({
            path,
            key,
            message: `secrets are never kept in the inventory; name the environment variable that holds it with \`${instead}\`${instead === 'keyFile' ? ' (a key file path)' : ''} instead`,
          });
        else walk(value, [...path, key]);
      }
    }
  };
  walk(data, []);
  return issues;
}

/** Cross-field rules the schema cannot say. */
export function inventoryRules(inventory: RawInventory): RawIssue[] {
  const issues: RawIssue[] = [];
  const hosts = inventory.hypervHosts ?? {};
  for (const [name, host] of Object.entries(hosts)) {
    if (Boolean(host.local) === Boolean(host.ssh))
      issues.push({
        path: ['hypervHosts', name],
        message: 'expected exactly one of `local: true` (lab runs on the Hyper-V host) or `ssh:` (the host over SSH)',
      });
  }
  for (const [name, entry] of Object.entries(inventory.targets)) {
    if (name === 'wine' && entry.kind !== 'wine')
      issues.push({ path: ['targets', name, 'kind'], message: 'the name `wine` is the built-in Wine target; give this entry another name' });
    issues.push(...(kindOf(entry.kind)?.rules?.(entry as never, ['targets', name], inventory) ?? []));
  }
  for (const [name, host] of Object.entries(hosts)) {
    const hk = host.ssh?.hostKey;
    if (hk?.fingerprint && (hk.knownHosts || hk.trustOnFirstUse))
      issues.push({
        path: ['hypervHosts', name, 'ssh', 'hostKey'],
        message: 'expected either a pinned `fingerprint` or `knownHosts` (with `trustOnFirstUse`), not both',
      });
    const auth = host.ssh?.auth;
    if (auth && !auth.agent && !auth.keyFile && !auth.passwordEnv)
      issues.push({ path: ['hypervHosts', name, 'ssh', 'auth'], message: 'expected at least one of `agent: true`, `keyFile` or `passwordEnv`' });
  }
  return issues;
}
