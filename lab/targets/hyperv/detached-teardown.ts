/**
 * Run by HypervTarget.killNow() as a detached process when lab is made to quit at once (a second Ctrl-C):
 * lab itself cannot wait for the host any more, so this restores the checkpoint and turns the VM off on
 * its own, and exits. The spec holds no secrets (environment variable names only; the values are in the
 * environment this process inherited).
 */
import type { HypervSpec } from '../inventory/target-spec.js';
import { SshLink } from '../ssh/ssh-link.js';
import { LocalHypervHost } from './local-hyperv-host.js';
import { SshHypervHost } from './ssh-hyperv-host.js';
import { VmControl } from './vm-control.js';

export const TEARDOWN_ENV = 'LAB_HYPERV_TEARDOWN';

async function teardown(): Promise<void> {
  const { spec, keep } = JSON.parse(process.env[TEARDOWN_ENV] ?? '{}') as { spec: HypervSpec; keep: boolean };
  const host =
    spec.host.kind === 'ssh'
      ? new SshHypervHost(spec.host.name, new SshLink(spec.host.endpoint), spec.host.powershell)
      : new LocalHypervHost(spec.host.name, spec.host.powershell);
  const vm = new VmControl(host, spec.vm, spec.checkpoint);
  try {
    if (!keep) await vm.restore();
    await vm.turnOff();
  } finally {
    await host.close();
  }
}

if (process.env[TEARDOWN_ENV]) await teardown().catch(() => process.exit(1));
