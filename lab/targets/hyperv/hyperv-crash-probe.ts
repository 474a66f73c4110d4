import { BugcheckProbe, type CrashFinding, type CrashProbe } from '../ssh/crash-probe.js';
import type { SshLink } from '../ssh/ssh-link.js';
import { stopCodeOf } from './scripts/worker-crash-events-script.js';
import type { VmControl } from './vm-control.js';
import { waitForReady } from './wait-for-ready.js';

export interface HypervProbeOptions {
  vm: VmControl;
  guestLink: SshLink;
  /** The host's clock at the last restore: crash events before it belong to an earlier run. */
  since(): Date;
  rebootTimeoutMs: number;
  pollMs: number;
  /** The guest's address after a reboot (Hyper-V may hand out another one), unless it is fixed. */
  onAddress(ip: string): void;
}

/**
 * A VM's crash, seen from the host first: the Hyper-V-Worker event 18590 (the guest reported a bugcheck)
 * or a heartbeat that is no longer Ok. Then the guest is given time to reboot (it writes its dump while
 * going down) and lab reconnects to read System event 1001, which names the stop code and the dump, so
 * the dump can be copied off before the checkpoint restore throws it away.
 */
export class HypervCrashProbe implements CrashProbe {
  private readonly guest: BugcheckProbe;

  constructor(private readonly options: HypervProbeOptions) {
    this.guest = new BugcheckProbe(options.guestLink);
  }

  baseline(): Promise<void> {
    return this.guest.baseline();
  }

  async afterConnectionLoss(signal?: AbortSignal): Promise<CrashFinding | undefined> {
    const { vm } = this.options;
    const status = await vm.status();
    const events = await vm.workerCrashEvents(this.options.since());
    const event = events[events.length - 1];
    const heartbeatLost = status.state === 'Running' && status.heartbeat !== 'Ok';
    if (!event && !heartbeatLost && status.state === 'Running') {
      // The VM is fine as far as the host can tell: the connection broke for another reason.
      await this.options.guestLink.reconnect(this.options.guestLink.endpoint.reconnect, signal);
      return this.guest.lookForBugcheck();
    }
    const hostSide = event
      ? `Hyper-V-Worker event 18590 at ${event.time}`
      : status.state !== 'Running'
        ? `the VM is ${status.state}`
        : `the VM's heartbeat is ${status.heartbeat}`;
    const stopCode = event ? stopCodeOf(event.message) : undefined;
    let afterReboot: CrashFinding | undefined;
    let rebootNote = '';
    try {
      const { ip } = await waitForReady(vm, {
        timeoutMs: this.options.rebootTimeoutMs,
        pollMs: this.options.pollMs,
        ...(signal ? { signal } : {}),
        what: 'after its crash',
      });
      this.options.onAddress(ip);
      await this.options.guestLink.reconnect({ attempts: 1000, delayMs: this.options.pollMs, deadline: Date.now() + this.options.rebootTimeoutMs }, signal);
      afterReboot = await this.guest.lookForBugcheck();
    } catch (error) {
      rebootNote = `; the guest did not come back to report its dump (${(error as Error).message.split('. Fix:')[0]})`;
    }
    return {
      signature: stopCode ? `bugcheck ${stopCode}` : (afterReboot?.signature ?? `the VM stopped answering (${hostSide})`),
      ...(afterReboot?.dumpGuestPath ? { dumpGuestPath: afterReboot.dumpGuestPath } : {}),
      how: [hostSide, afterReboot?.how].filter(Boolean).join('; ') + rebootNote,
    };
  }
}
