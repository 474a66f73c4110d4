import type { ClientChannel } from 'ssh2';
import { LineSplitter } from '../../guest/line-splitter.js';
import type { GuestSession, SessionHooks } from '../target.js';
import { cmdCommandLine } from './cmd-command-line.js';
import type { CrashFinding, CrashProbe } from './crash-probe.js';
import type { DbgViewCapture } from './dbgview-capture.js';
import type { SshConnection } from './ssh-connection.js';
import { endpointText } from './ssh-endpoint.js';
import type { SshLink } from './ssh-link.js';
import { settleWithin } from './settle-within.js';
import { windowsBasename } from './windows-path.js';

export interface SshSessionInput {
  link: SshLink;
  argv: string[];
  hooks: SessionHooks;
  dbgview?: DbgViewCapture;
  probe: CrashProbe;
  onFinding(finding: CrashFinding): void;
  /** False once the pipeline has moved on (revert, dispose): late lines are dropped, not delivered. */
  listening(): boolean;
}

/** How often the DbgView log is read while the runner runs, without new stdout to order against. */
const POLL_MS = 250;

/**
 * One guest-runner session on a Windows machine over SSH. The runner's stdout is a channel; the debug
 * stream is DbgView's log file, read over SFTP as it grows. Result lines are held until the log has been
 * read past the moment they arrived, so a case's end marker reaches the pipeline before its result, as on
 * Wine (where both come live). A dropped connection is handed to the crash probe: a bugcheck becomes
 * onCrash with its evidence, after the rest of the log and every held result line (so the crash goes to
 * the case the guest really was in); anything else ends the session with no exit code (a harness problem).
 */
export class SshGuestSession implements GuestSession {
  readonly exited: Promise<{ exitCode: number | null }>;
  /** Settles when everything is delivered and DbgView is stopped. */
  readonly done: Promise<void>;
  private resolveExit!: (value: { exitCode: number | null }) => void;
  private channel?: ClientChannel;
  private channelClosed = false;
  private killed?: Promise<void>;
  private pending: string[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private poll?: NodeJS.Timeout;
  private readonly out = new LineSplitter();

  constructor(private readonly input: SshSessionInput) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.done = this.run().catch((error: Error) => {
      this.debug(`lab: the session on ${endpointText(input.link.endpoint)} failed: ${error.message}`);
      this.resolveExit({ exitCode: null });
    });
  }

  kill(): Promise<void> {
    this.killed ??= (async () => {
      // The runner usually ends by itself right after its last line; give it a moment first.
      await settleWithin(this.exited, 1000);
      if (!this.channelClosed) {
        this.channel?.close();
        const runner = windowsBasename(this.input.argv[0]!);
        await this.input.link
          .run(cmdCommandLine(['taskkill', '/F', '/T', '/IM', runner]), { timeoutMs: 20_000, what: 'stopping the guest runner' })
          .catch(() => undefined);
      }
      await settleWithin(this.done, 30_000);
    })();
    return this.killed;
  }

  async drain(): Promise<void> {
    await this.kill();
    await settleWithin(this.done, 30_000);
  }

  private async run(): Promise<void> {
    const { link, dbgview } = this.input;
    if (dbgview) {
      try {
        await dbgview.start();
      } catch (error) {
        this.debug(`lab: no debug stream for this session: ${(error as Error).message}`);
        this.input.dbgview = undefined;
      }
    }
    const connection = await link.connection();
    const channel = await connection.exec(cmdCommandLine(this.input.argv));
    this.channel = channel;
    const err = new LineSplitter();
    channel.on('data', (chunk: Buffer) => {
      this.pending.push(...this.out.push(chunk));
      this.flush();
    });
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk).forEach((l) => this.debug(l)));
    if (this.input.dbgview) this.poll = setInterval(() => this.flush(), POLL_MS);

    const ending = await this.waitForEnd(channel, connection);
    clearInterval(this.poll);
    const last = this.out.end();
    if (last !== null) this.pending.push(last);
    if (ending.kind === 'lost') {
      await this.onLost();
      this.resolveExit({ exitCode: null });
      return;
    }
    await this.finish();
    this.resolveExit({ exitCode: ending.exitCode });
  }

  private waitForEnd(channel: ClientChannel, connection: SshConnection): Promise<{ kind: 'exit'; exitCode: number | null } | { kind: 'lost' }> {
    return new Promise((resolve) => {
      let exitCode: number | null = null;
      channel.on('exit', (code: number | null) => (exitCode = code));
      channel.on('close', () => {
        this.channelClosed = true;
        // A channel also closes when its connection drops; tell the two apart.
        setImmediate(() => resolve(connection.alive ? { kind: 'exit', exitCode } : { kind: 'lost' }));
      });
      void connection.lost.then(() => resolve({ kind: 'lost' }));
    });
  }

  /**
   * The connection dropped mid-session: did the machine crash? A crash is judged only on the whole
   * record of what the guest did before it went down: the DbgView log read to its end over the new
   * connection (its case markers) and every result line that had arrived. Judged on the last poll
   * instead, it went to whichever case was open 250 ms earlier: the case before the one that crashed.
   */
  private async onLost(): Promise<void> {
    if (this.killed !== undefined) return this.finish();
    const lostAt = Date.now();
    const where = endpointText(this.input.link.endpoint);
    let finding: CrashFinding | undefined;
    let outcome: string;
    try {
      finding = await this.input.probe.afterConnectionLoss();
      outcome = finding
        ? `lab: ${finding.signature} (${finding.how})${finding.dumpGuestPath ? `; dump at ${finding.dumpGuestPath}` : ''}`
        : `lab: reconnected to ${where}: no bugcheck since the run began, so the connection broke for another reason (a harness problem, not the driver)`;
    } catch (error) {
      outcome = `lab: could not get back to ${where}: ${(error as Error).message}`;
    }
    await this.finish();
    this.deliverDebug({
      timeMs: lostAt,
      source: 'target',
      text: `lab: the SSH connection to ${where} was lost during the session; reconnecting to see whether the machine crashed`,
    });
    this.debug(outcome);
    if (!finding) return;
    this.input.onFinding(finding);
    if (this.input.listening()) this.input.hooks.onCrash(finding.signature);
  }

  /** Stops DbgView, delivers the rest of its log, then every result line still held. */
  private async finish(): Promise<void> {
    const dbgview = this.input.dbgview;
    await this.flushing;
    if (dbgview) {
      await dbgview.stop();
      for (const line of await dbgview.readRest()) this.deliverDebug(line);
    }
    this.release(this.pending.length);
  }

  /** Reads the debug log, then releases the result lines that had arrived before the read began. */
  private flush(): void {
    const dbgview = this.input.dbgview;
    if (!dbgview) {
      this.release(this.pending.length);
      return;
    }
    this.flushing = this.flushing.then(async () => {
      const ready = this.pending.length;
      for (const line of await dbgview.read()) this.deliverDebug(line);
      this.release(ready);
    });
  }

  private release(count: number): void {
    const lines = this.pending.splice(0, count);
    if (!this.input.listening()) return;
    for (const line of lines) this.input.hooks.onStdout(line);
  }

  private deliverDebug(line: Parameters<SessionHooks['onDebug']>[0]): void {
    if (this.input.listening()) this.input.hooks.onDebug(line);
  }

  private debug(text: string): void {
    this.deliverDebug({ timeMs: Date.now(), source: 'target', text });
  }
}
