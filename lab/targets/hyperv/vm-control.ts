import type { HypervHost } from './hyperv-host.js';
import { restoreCheckpointScript } from './scripts/restore-checkpoint-script.js';
import { startVmScript } from './scripts/start-vm-script.js';
import { turnOffVmScript } from './scripts/turn-off-vm-script.js';
import { vmFactsScript, type VmFacts } from './scripts/vm-facts-script.js';
import { vmStatusScript, type VmStatus } from './scripts/vm-status-script.js';
import { workerCrashEventsScript, type WorkerCrashEvent } from './scripts/worker-crash-events-script.js';

/** The operations lab performs on one VM, each one generated script. */
export class VmControl {
  constructor(
    readonly host: HypervHost,
    readonly vm: string,
    readonly checkpoint: string,
  ) {}

  status(): Promise<VmStatus> {
    return this.host.run<VmStatus>(vmStatusScript(this.vm), `reading the state of VM '${this.vm}'`);
  }

  /** Turns the VM off and restores the checkpoint; returns the host's clock at that moment. */
  async restore(): Promise<Date> {
    const answer = await this.host.run<{ hostTime: string }>(
      restoreCheckpointScript(this.vm, this.checkpoint),
      `restoring checkpoint '${this.checkpoint}' of VM '${this.vm}'`,
    );
    return new Date(answer.hostTime);
  }

  async start(): Promise<void> {
    await this.host.run(startVmScript(this.vm), `starting VM '${this.vm}'`);
  }

  async turnOff(): Promise<void> {
    await this.host.run(turnOffVmScript(this.vm), `turning VM '${this.vm}' off`);
  }

  async workerCrashEvents(since: Date): Promise<WorkerCrashEvent[]> {
    return (
      (await this.host.run<{ events: WorkerCrashEvent[] }>(workerCrashEventsScript(this.vm, since), `reading Hyper-V-Worker crash events of VM '${this.vm}'`))
        .events ?? []
    );
  }

  facts(): Promise<VmFacts> {
    return this.host.run<VmFacts>(vmFactsScript(this.vm, this.checkpoint), `reading the settings of VM '${this.vm}'`);
  }
}
