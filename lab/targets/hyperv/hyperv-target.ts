import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HypervSpec } from '../inventory/target-spec.js';
import { cmdCommandLine } from '../ssh/cmd-command-line.js';
import { SshLink } from '../ssh/ssh-link.js';
import { SshTarget } from '../ssh/ssh-target.js';
import type { GuestSession, SessionHooks, Target } from '../target.js';
import { driverVerifierError } from './driver-verifier-error.js';
import { volatileVerifierArgv } from './driver-verifier.js';
import { HypervCrashProbe } from './hyperv-crash-probe.js';
import type { HypervHost } from './hyperv-host.js';
import { LocalHypervHost } from './local-hyperv-host.js';
import { SshHypervHost } from './ssh-hyperv-host.js';
import { VmControl } from './vm-control.js';
import { waitForReady } from './wait-for-ready.js';

export interface HypervTargetOptions {
  runId: string;
  keep?: boolean;
  onProgress?: (line: string) => void;
  /** For tests: another host implementation. */
  host?: HypervHost;
}

/**
 * A test-signed VM on a Hyper-V host, reverted to a named checkpoint for every run and after every crash
 * or hang: restore, start, wait (bounded) for the heartbeat and an address, then the guest is an SSH
 * target (same deploy, session, DbgView and crash handling). A crash is seen from the host (event 18590,
 * the heartbeat) and from the rebooted guest (event 1001, the dump). Teardown turns the VM off and
 * restores the checkpoint, also on Ctrl-C.
 */
export class HypervTarget implements Target {
  readonly kind = 'hyperv' as const;
  readonly name: string;
  private readonly vm: VmControl;
  private readonly guestLink: SshLink;
  private readonly guest: SshTarget;
  private readonly facts: Record<string, string>;
  private restoredAt = new Date(0);
  /** Drivers Driver Verifier watches in the current clean state (volatile settings end with it). */
  private readonly verified = new Set<string>();
  private disposed?: Promise<void>;

  constructor(
    private readonly spec: HypervSpec,
    private readonly options: HypervTargetOptions,
  ) {
    this.name = spec.name;
    const progress = options.onProgress;
    const host =
      options.host ??
      (spec.host.kind === 'ssh'
        ? new SshHypervHost(spec.host.name, new SshLink(spec.host.endpoint, progress), spec.host.powershell)
        : new LocalHypervHost(spec.host.name, spec.host.powershell));
    this.vm = new VmControl(host, spec.vm, spec.checkpoint);
    this.guestLink = new SshLink(spec.guestEndpoint, progress);
    const probe = new HypervCrashProbe({
      vm: this.vm,
      guestLink: this.guestLink,
      since: () => this.restoredAt,
      rebootTimeoutMs: spec.rebootTimeoutMs,
      pollMs: spec.pollMs,
      onAddress: (ip) => this.useAddress(ip),
    });
    this.guest = new SshTarget({
      name: spec.name,
      kind: 'hyperv',
      runId: options.runId,
      link: this.guestLink,
      guest: spec.guest,
      probe,
      ...(options.keep ? { keep: true } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
    this.facts = {
      hypervHost: host.label,
      vm: spec.vm,
      checkpoint: spec.checkpoint,
      ...(spec.verifier ? { verifierFlags: `0x${spec.verifier.flags.toString(16)}` } : {}),
    };
  }

  describe(): Record<string, string> {
    return { ...this.guest.describe(), ...this.facts };
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    await this.restoreAndBoot(signal);
    await this.guest.prepare(signal);
  }

  guestPath(name: string): string {
    return this.guest.guestPath(name);
  }

  async put(localPath: string, guestPath: string): Promise<void> {
    await this.guest.put(localPath, guestPath);
    const driver = /([^\\]+\.sys)$/i.exec(guestPath)?.[1];
    if (
      driver &&
      this.spec.verifier &&
      !this.verified.has(driver.toLowerCase()) &&
      (this.spec.verifier.drivers ?? [driver]).some((d) => d.toLowerCase() === driver.toLowerCase())
    ) {
      await this.enableVerifier(driver);
      this.verified.add(driver.toLowerCase());
    }
  }

  readGuestFile(guestPath: string, start?: number, end?: number): Promise<Buffer | undefined> {
    return this.guest.readGuestFile(guestPath, start, end);
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    return this.guest.startSession(argv, hooks);
  }

  /** The dump is copied off the guest here, which the pipeline calls before it reverts. */
  crashEvidence(): Promise<{ backtrace?: string; dumpPath?: string } | undefined> {
    return this.guest.crashEvidence();
  }

  async revert(signal?: AbortSignal): Promise<void> {
    await this.guest.endSession();
    await this.guestLink.drop();
    await this.restoreAndBoot(signal);
    await this.guest.prepare(signal);
  }

  /** Turns the VM off and restores the checkpoint, so the next run (and anyone else) finds it clean. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      await this.guest.detach().catch(() => undefined);
      try {
        if (!this.options.keep) {
          this.options.onProgress?.(`restoring VM '${this.spec.vm}' to '${this.spec.checkpoint}' and turning it off`);
          await this.vm.restore();
        }
        await this.vm.turnOff();
      } catch (error) {
        this.options.onProgress?.(`tearing down VM '${this.spec.vm}' failed: ${(error as Error).message}`);
      } finally {
        await this.vm.host.close();
      }
    })();
    return this.disposed;
  }

  /**
   * A forced exit (second Ctrl-C) leaves no time to wait for the host: a detached process restores and
   * turns the VM off on its own (detached-teardown.ts).
   */
  killNow(): void {
    if (this.disposed !== undefined) return;
    const script = fileURLToPath(new URL('./detached-teardown.js', import.meta.url));
    const child = spawn(process.execPath, [script], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, LAB_HYPERV_TEARDOWN: JSON.stringify({ spec: this.spec, keep: Boolean(this.options.keep) }) },
    });
    child.on('error', () => undefined);
    child.unref();
  }

  private async restoreAndBoot(signal?: AbortSignal): Promise<void> {
    this.options.onProgress?.(`restoring VM '${this.spec.vm}' to checkpoint '${this.spec.checkpoint}'`);
    this.restoredAt = await this.vm.restore();
    this.verified.clear();
    await this.vm.start();
    const deadline = Date.now() + this.spec.bootTimeoutMs;
    const { ip } = await waitForReady(this.vm, {
      timeoutMs: this.spec.bootTimeoutMs,
      pollMs: this.spec.pollMs,
      ...(signal ? { signal } : {}),
      what: `after restoring '${this.spec.checkpoint}'`,
    });
    this.useAddress(ip);
    // The heartbeat can come before the guest's SSH server listens: keep trying until the boot deadline.
    await this.guestLink.reconnect({ attempts: 10_000, delayMs: Math.min(this.spec.pollMs, 1000), deadline }, signal);
  }

  private useAddress(ip: string): void {
    if (this.spec.guestHostFixed) return;
    this.facts.guestAddress = ip;
    this.guestLink.retarget(ip);
  }

  /** Before the driver loads: the runner loads it only when its session starts. */
  private async enableVerifier(driver: string): Promise<void> {
    const verifier = this.spec.verifier!;
    const drivers = [driver];
    const result = await this.guestLink.run(cmdCommandLine(volatileVerifierArgv(verifier.flags, drivers)), {
      what: 'turning Driver Verifier on (verifier /volatile)',
    });
    if (result.exitCode !== 0) throw driverVerifierError(this.spec.vm, drivers, result);
  }
}
