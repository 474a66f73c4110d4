import { HarnessError, LabError } from '../../errors/lab-error.js';
import { SshConnection, type CommandResult } from './ssh-connection.js';
import { endpointText, type SshEndpoint } from './ssh-endpoint.js';

/**
 * The way to one machine across connection losses: hands out the current connection, and reconnects a
 * bounded number of times with a pause between attempts when it dropped. Refusals that another attempt
 * cannot fix (host key, login, configuration) are not retried.
 */
export class SshLink {
  private current?: SshConnection;
  private connecting?: Promise<SshConnection>;
  private closed = false;

  constructor(
    private endpointNow: SshEndpoint,
    private readonly onProgress?: (line: string) => void,
  ) {}

  get endpoint(): SshEndpoint {
    return this.endpointNow;
  }

  /** A VM's address comes from Hyper-V after each boot: later connections go there. */
  retarget(host: string): void {
    this.endpointNow = { ...this.endpointNow, host };
  }

  /** The open connection; makes one (a single attempt) if there is none yet. */
  async connection(signal?: AbortSignal): Promise<SshConnection> {
    if (this.current?.alive) return this.current;
    return this.reconnect({ attempts: this.current ? this.endpoint.reconnect.attempts : 0, delayMs: this.endpoint.reconnect.delayMs }, signal);
  }

  /** A fresh connection, trying up to 1 + attempts times (machines take a while to come back). */
  reconnect(policy: { attempts: number; delayMs: number; deadline?: number } = this.endpoint.reconnect, signal?: AbortSignal): Promise<SshConnection> {
    this.connecting ??= this.connectWithRetries(policy, signal).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async run(command: string, options: { timeoutMs?: number; what?: string } = {}, signal?: AbortSignal): Promise<CommandResult> {
    return (await this.connection(signal)).run(command, options);
  }

  /** Drops the current connection (it stays usable for nothing); the next use reconnects. */
  async drop(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    await c?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  private async connectWithRetries(policy: { attempts: number; delayMs: number; deadline?: number }, signal?: AbortSignal): Promise<SshConnection> {
    if (this.closed) throw new HarnessError('LAB_SSH_CLOSED', `${endpointText(this.endpoint)}: used after the target was disposed; this is a bug in lab`);
    await this.current?.close();
    this.current = undefined;
    let last: LabError | undefined;
    for (let attempt = 0; attempt <= policy.attempts; attempt++) {
      if (signal?.aborted) throw signal.reason;
      if (policy.deadline !== undefined && Date.now() > policy.deadline) break;
      if (attempt > 0) {
        this.onProgress?.(`${endpointText(this.endpoint)}: reconnecting (attempt ${attempt} of ${policy.attempts})`);
        await pause(policy.delayMs, signal);
      }
      try {
        this.current = await SshConnection.open(this.endpoint, signal);
        if (this.current.hostKey?.kind === 'trusted-first-use') {
          this.onProgress?.(
            `${endpointText(this.endpoint)}: trusted the new host key ${this.current.hostKey.keyType} ${this.current.hostKey.fingerprint} on first use and recorded it in ${this.current.hostKey.file}`,
          );
        }
        return this.current;
      } catch (error) {
        if (!(error instanceof LabError) || !RETRYABLE.has(error.code)) throw error;
        last = error;
      }
    }
    throw last ?? new HarnessError('LAB_SSH_UNREACHABLE', `${endpointText(this.endpoint)}: not reachable before the deadline.`);
  }
}

/** Failures another attempt may fix: the machine is still booting, or the network blinked. */
const RETRYABLE = new Set(['LAB_SSH_UNREACHABLE', 'LAB_SSH_CONNECT']);

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
