import type { CheckResult } from '../../doctor/check.js';
import type { HypervSpec } from '../inventory/target-spec.js';
import { splitFix, sshChecks } from '../ssh/ssh-checks.js';
import { SshLink } from '../ssh/ssh-link.js';
import type { HypervHost } from './hyperv-host.js';
import { LocalHypervHost } from './local-hyperv-host.js';
import { SshHypervHost } from './ssh-hyperv-host.js';
import { VmControl } from './vm-control.js';

/**
 * `lab doctor` for a Hyper-V VM: the host (reachable, the Hyper-V module), the VM as provisioning should
 * have left it (Gen2 with Secure Boot off, Standard checkpoints, the checkpoint, the heartbeat service),
 * and, when the VM runs, the guest's own checks over SSH.
 */
export async function hypervChecks(spec: HypervSpec, buildDir: string, host?: HypervHost): Promise<CheckResult[]> {
  const hostLink = spec.host.kind === 'ssh' ? new SshLink(spec.host.endpoint) : undefined;
  const theHost =
    host ?? (hostLink ? new SshHypervHost(spec.host.name, hostLink, spec.host.powershell) : new LocalHypervHost(spec.host.name, spec.host.powershell));
  const vm = new VmControl(theHost, spec.vm, spec.checkpoint);
  const checks: CheckResult[] = [];
  try {
    if (hostLink) {
      const hostChecks = await sshChecksForHost(hostLink);
      checks.push(...hostChecks);
      if (hostChecks.some((c) => !c.ok)) return checks;
    }
    let facts;
    try {
      facts = await vm.facts();
    } catch (error) {
      const [problem, fix] = splitFix(error);
      checks.push({ name: `VM '${spec.vm}'`, ok: false, found: problem, fix: fix ?? 'check the VM name in the inventory (matched exactly)' });
      return checks;
    }
    checks.push({ name: `VM '${spec.vm}'`, ok: true, found: `generation ${facts.generation}, ${facts.state}, Hyper-V module ${facts.hyperv}` });
    checks.push({
      name: 'Secure Boot',
      ok: facts.secureBoot !== 'On',
      found: facts.secureBoot,
      ...(facts.secureBoot === 'On'
        ? { fix: `with the VM off: \`Set-VMFirmware -VMName '${spec.vm}' -EnableSecureBoot Off\` (test signing needs it off); see infra/hyperv/` }
        : {}),
    });
    checks.push({
      name: 'checkpoint type',
      ok: facts.checkpointType === 'Standard',
      found: facts.checkpointType,
      ...(facts.checkpointType === 'Standard'
        ? {}
        : { fix: `\`Set-VM -Name '${spec.vm}' -CheckpointType Standard\` (production checkpoints leave the VM off: every revert would be a cold boot)` }),
    });
    checks.push({
      name: `checkpoint '${spec.checkpoint}'`,
      ok: facts.checkpoint,
      found: facts.checkpoint ? 'present' : 'missing',
      ...(facts.checkpoint ? {} : { fix: 'run infra/hyperv/new-lab-checkpoint.ps1 (after the reboot that applies test signing and the Debug Print Filter)' }),
    });
    checks.push({
      name: 'Heartbeat integration service',
      ok: facts.heartbeatEnabled,
      found: facts.heartbeatEnabled ? 'on' : 'off',
      ...(facts.heartbeatEnabled ? {} : { fix: `\`Enable-VMIntegrationService -VMName '${spec.vm}' -Name Heartbeat\`` }),
    });

    const status = await vm.status();
    const ip = spec.guestHostFixed ? spec.guestEndpoint.host : status.ips[0];
    if (status.state !== 'Running' || status.heartbeat !== 'Ok' || !ip) {
      checks.push({
        name: 'guest',
        ok: true,
        optional: true,
        found: `not checked: the VM is ${status.state} (heartbeat ${status.heartbeat}); \`lab run\` restores and starts it`,
      });
      return checks;
    }
    const guestLink = new SshLink({ ...spec.guestEndpoint, host: ip });
    try {
      checks.push(...(await sshChecks(guestLink, spec.guest, buildDir, 'guest')));
    } finally {
      await guestLink.close();
    }
    return checks;
  } finally {
    await theHost.close();
  }
}

async function sshChecksForHost(link: SshLink): Promise<CheckResult[]> {
  try {
    const connection = await link.connection();
    const key = connection.hostKey;
    return [
      { name: 'Hyper-V host reachable over SSH', ok: true, found: `${link.endpoint.user}@${link.endpoint.host}:${link.endpoint.port}` },
      { name: 'Hyper-V host key', ok: true, found: `${key && 'keyType' in key ? `${key.keyType} ` : ''}${key?.fingerprint ?? ''}` },
    ];
  } catch (error) {
    const [problem, fix] = splitFix(error);
    return [{ name: 'Hyper-V host reachable over SSH', ok: false, found: problem, ...(fix ? { fix } : {}) }];
  }
}
