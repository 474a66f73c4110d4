import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors/lab-error.js';
import { InventoryError } from './inventory-error.js';
import { inventoryPath } from './inventory-path.js';
import { loadInventory, resolveTarget } from './load-inventory.js';
import { tempDir } from '../../testing/temp-dir.js';

/** The error a promise was expected to reject with. */
const refusal = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: Error) => e,
  );

async function inventoryFile(text: string): Promise<string> {
  const dir = await tempDir('inventory');
  const file = join(dir, 'targets.yaml');
  await writeFile(file, text);
  return file;
}

const GOOD = `version: 1
hypervHosts:
  hv1:
    ssh:
      host: hv1.example
      user: admin
      hostKey: { fingerprint: 'SHA256:${'A'.repeat(43)}' }
      auth: { agent: true }
targets:
  win-box:
    kind: ssh
    host: 192.0.2.10
    user: lab
    hostKey: { knownHosts: ./known_hosts }
    auth: { keyFile: keys/id_ed25519, passphraseEnv: LAB_KEY_PASS }
    dbgview: 'C:\\Tools\\Dbgview.exe'
    cleanPaths: ['C:\\objdev.log']
  vm1:
    kind: hyperv
    hypervHost: hv1
    vm: "lab-win11 'test'"
    guest:
      user: lab
      hostKey: { fingerprint: 'SHA256:${'B'.repeat(43)}' }
      auth: { passwordEnv: LAB_VM_PASSWORD }
    verifier: { flags: '0x9bb' }
`;

describe('the inventory (infra/targets.yaml)', () => {
  it('resolves ssh and hyperv entries with defaults and paths made absolute; wine needs no entry', async () => {
    const file = await inventoryFile(GOOD);
    const inventory = await loadInventory(file);
    const ssh = resolveTarget(inventory, 'win-box');
    expect(ssh).toMatchObject({
      kind: 'ssh',
      endpoint: {
        host: '192.0.2.10',
        port: 22,
        user: 'lab',
        hostKey: { kind: 'known-hosts', file: join(inventory.dir, 'known_hosts'), trustOnFirstUse: false },
      },
      guest: { guestDir: 'C:\\lab', dbgview: 'C:\\Tools\\Dbgview.exe', cleanPaths: ['C:\\objdev.log'] },
    });
    expect(ssh.kind === 'ssh' && ssh.endpoint.auth).toEqual({ agent: false, keyFile: join(inventory.dir, 'keys/id_ed25519'), passphraseEnv: 'LAB_KEY_PASS' });
    const vm = resolveTarget(inventory, 'vm1');
    expect(vm).toMatchObject({
      kind: 'hyperv',
      vm: "lab-win11 'test'",
      checkpoint: 'lab-clean',
      verifier: { flags: 0x9bb },
      host: { kind: 'ssh', name: 'hv1', powershell: 'powershell' },
      guestHostFixed: false,
    });
    expect(resolveTarget(inventory, 'wine')).toEqual({ kind: 'wine', name: 'wine' });
  });

  it('names the known targets when --target names none of them (exit 2)', async () => {
    const inventory = await loadInventory(await inventoryFile(GOOD));
    const error = (() => {
      try {
        resolveTarget(inventory, 'nope');
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/--target nope: expected `wine` or a target named in .*targets\.yaml \(wine, win-box, vm1\)/);
  });

  it('refuses a password in the file, naming the line and the environment-variable field to use', async () => {
    const file = await inventoryFile('version: 1\ntargets:\n  box:\n    kind: ssh\n    host: h\n    user: u\n    auth:\n      password: hunter2\n');
    await expect(loadInventory(file)).rejects.toThrow(
      /targets\.yaml:8:7: targets\.box\.auth\.password: secrets are never kept in the inventory; name the environment variable that holds it with `passwordEnv`/,
    );
    await expect(loadInventory(file)).rejects.not.toThrow(/hunter2/);
  });

  it('reports schema problems with file:line:column, the field and a hint', async () => {
    const file = await inventoryFile(
      'version: 1\ntargets:\n  box:\n    kind: ssh\n    host: h\n    port: 99999\n    user: u\n    auth: { agnet: true }\n  vm:\n    kind: hyperv\n    hypervHost: nowhere\n    vm: x\n    guest: { user: u, auth: { agent: true } }\n  other:\n    kind: docker\n',
    );
    const error = await refusal(loadInventory(file));
    expect(error).toBeInstanceOf(InventoryError);
    const text = (error as InventoryError).message;
    expect(text).toMatch(/targets\.yaml:6:11: targets\.box\.port: expected at most 65535, found 99999/);
    expect(text).toMatch(/targets\.yaml:8:\d+: targets\.box\.auth\.agnet: unknown field `agnet`; did you mean `agent`\?/);
    expect(text).toMatch(/targets\.yaml:15:11: targets\.other\.kind: expected one of "wine", "ssh", "hyperv", "qemu", found "docker"/);
  });

  it('applies the cross-field rules after the schema: a Hyper-V host that does not exist, no auth, a VM guest without a pinned key', async () => {
    const file = await inventoryFile('version: 1\ntargets:\n  vm:\n    kind: hyperv\n    hypervHost: nowhere\n    vm: x\n    guest: { user: u, auth: {} }\n');
    const text = (await refusal(loadInventory(file))).message;
    expect(text).toMatch(/targets\.yaml:5:17: targets\.vm\.hypervHost: expected the name of an entry in `hypervHosts` \(there is none\), found "nowhere"/);
    expect(text).toMatch(/targets\.vm\.guest\.auth: expected at least one of `agent: true`, `keyFile` or `passwordEnv`/);
    expect(text).toMatch(/targets\.vm\.guest\.hostKey: a VM whose address comes from Hyper-V needs a pinned `fingerprint`/);
  });

  it('refuses bad Windows paths and a missing file with the fix', async () => {
    const file = await inventoryFile(
      "version: 1\ntargets:\n  box: { kind: ssh, host: h, user: u, auth: { agent: true }, guestDir: 'C:\\\\lab\\\\..\\\\Windows' }\n",
    );
    await expect(loadInventory(file)).rejects.toThrow(/targets\.box\.guestDir: expected an absolute Windows path/);
    await expect(loadInventory('/nonexistent/targets.yaml')).rejects.toThrow(/no inventory file\. Fix: create it/);
    const percent = await inventoryFile("version: 1\ntargets:\n  box: { kind: ssh, host: h, user: u, auth: { agent: true }, guestDir: 'C:\\\\lab %TEMP%' }\n");
    await expect(loadInventory(percent)).rejects.toThrow(/targets\.box\.guestDir: a guest folder may not contain `%`/);
  });

  it('is infra/targets.yaml unless LAB_INVENTORY says otherwise, and the shipped file is valid', async () => {
    expect(inventoryPath({ LAB_INVENTORY: '/x/y.yaml' })).toBe('/x/y.yaml');
    const shipped = inventoryPath({});
    expect(shipped).toMatch(/infra\/targets\.yaml$/);
    const inventory = await loadInventory(shipped);
    expect(resolveTarget(inventory, 'wine').kind).toBe('wine');
    const example = await loadInventory(shipped.replace(/targets\.yaml$/, 'targets.example.yaml'));
    expect(['win11-box', 'win11-vm'].map((n) => resolveTarget(example, n).kind)).toEqual(['ssh', 'hyperv']);
  });
});
