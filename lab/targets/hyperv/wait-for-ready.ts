import { HarnessError } from '../../errors/lab-error.js';
import type { VmStatus } from './scripts/vm-status-script.js';
import type { VmControl } from './vm-control.js';

/**
 * Polls the VM until its heartbeat is Ok and it reports an IPv4 address, at most `timeoutMs`. The
 * heartbeat says the guest's kernel and integration services run; the address (from the KVP service) is
 * how lab reaches its SSH server.
 */
export async function waitForReady(
  vm: VmControl,
  options: { timeoutMs: number; pollMs: number; signal?: AbortSignal; what: string },
): Promise<{ ip: string; status: VmStatus }> {
  const deadline = Date.now() + options.timeoutMs;
  let last: VmStatus | undefined;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    last = await vm.status();
    const ip = last.ips[0];
    if (last.state === 'Running' && last.heartbeat === 'Ok' && ip) return { ip, status: last };
    if (Date.now() + options.pollMs > deadline) break;
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
  const seen = last ? `state ${last.state}, heartbeat ${last.heartbeat}, ${last.ips.length ? `address ${last.ips[0]}` : 'no IPv4 address'}` : 'no answer';
  throw new HarnessError(
    'LAB_HYPERV_BOOT_TIMEOUT',
    `VM '${vm.vm}' on ${vm.host.label} was not ready ${options.what} within ${options.timeoutMs} ms (${seen}). ` +
      `Fix: check the VM in Hyper-V Manager (does checkpoint '${vm.checkpoint}' boot? are the Heartbeat and Key-Value Pair integration services on?), ` +
      `or raise bootTimeoutMs.`,
  );
}
