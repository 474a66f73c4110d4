import { bugcheckBaseline, newestBugcheck } from './bugcheck-events.js';
import type { SshLink } from './ssh-link.js';

/** What lab learned about a crash of the guest's kernel. */
export interface CrashFinding {
  /** One line for the case's verdict, e.g. `bugcheck 0x0000003b (...)`. */
  signature: string;
  /** Where the guest saved the dump, if it says. */
  dumpGuestPath?: string;
  /** How it was found, for the case's log. */
  how: string;
}

/**
 * Decides, after the connection to the guest dropped in the middle of a session, whether the machine
 * crashed. The connection is back (or the probe threw) when it returns.
 */
export interface CrashProbe {
  /** Called after each clean state: what was there before does not count. */
  baseline(signal?: AbortSignal): Promise<void>;
  afterConnectionLoss(signal?: AbortSignal): Promise<CrashFinding | undefined>;
}

/**
 * A plain Windows machine: a bugcheck drops the connection and reboots it. Reconnect (bounded, the
 * inventory's reconnect policy), then look for System event 1001 newer than the baseline: found, the
 * kernel crashed; not found, the connection broke for another reason (the harness's problem).
 */
export class BugcheckProbe implements CrashProbe {
  private after = 0;

  constructor(private readonly link: SshLink) {}

  async baseline(): Promise<void> {
    this.after = await bugcheckBaseline(this.link);
  }

  async afterConnectionLoss(signal?: AbortSignal): Promise<CrashFinding | undefined> {
    await this.link.reconnect(this.link.endpoint.reconnect, signal);
    return this.lookForBugcheck();
  }

  /** Event 1001 since the baseline, as a finding (also used by the Hyper-V target after the reboot). */
  async lookForBugcheck(): Promise<CrashFinding | undefined> {
    const event = await newestBugcheck(this.link, this.after);
    if (!event) return undefined;
    this.after = event.recordId;
    return {
      signature: `bugcheck ${event.code}`,
      ...(event.dumpPath ? { dumpGuestPath: event.dumpPath } : {}),
      how: `System event 1001 (record ${event.recordId}${event.time ? `, ${event.time}` : ''}) after the reboot`,
    };
  }
}
