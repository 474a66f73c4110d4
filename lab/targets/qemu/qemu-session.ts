import { LineSplitter } from '../../guest/line-splitter.js';
import { windowsCommandLine } from '../../guest/windows-command-line.js';
import type { GuestSession, SessionHooks } from '../target.js';
import type { AgentClient } from './agent-client.js';

/** After a kill, how long the agent may take to report the program's end before the session gives up on it. */
const KILL_WAIT_MS = 1000;

/**
 * One guest-runner run through the agent: its stdout (result lines) and stderr come over COM2 as the
 * runner writes them; its case markers and the driver's DbgPrint come over COM1, which the target feeds
 * in through `debug()`. A machine stopped by a bugcheck ends the session (`machineStopped`): the runner
 * will never answer again, and waiting for it would only delay the revert.
 */
export class QemuGuestSession implements GuestSession {
  readonly exited: Promise<{ exitCode: number | null }>;
  private resolveExit!: (value: { exitCode: number | null }) => void;
  private readonly out = new LineSplitter();
  private readonly err = new LineSplitter();
  private listening = true;
  private killed?: Promise<void>;
  private started?: Promise<unknown>;

  constructor(
    private readonly agent: AgentClient,
    argv: string[],
    private readonly hooks: SessionHooks,
    before: Promise<void>,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.started = before
      .then(() =>
        agent.exec(windowsCommandLine(argv), (stream, bytes) => {
          if (stream === 1) for (const line of this.out.push(bytes)) this.stdout(line);
          else for (const line of this.err.push(bytes)) this.stderr(line);
        }),
      )
      .then(
        // Settles once the runner has started (not when it ends: a hung runner never does).
        (handle) => void handle.exited.then((exitCode) => this.resolveExit({ exitCode })),
        (error: Error) => {
          this.debug(`lab: the guest agent could not start the guest runner: ${error.message}`);
          this.resolveExit({ exitCode: null });
        },
      );
  }

  /** A line of the kernel's debug port, already classified by the target. */
  debug(line: Parameters<SessionHooks['onDebug']>[0] | string): void {
    if (!this.listening) return;
    this.hooks.onDebug(typeof line === 'string' ? { timeMs: Date.now(), source: 'target', text: line } : line);
  }

  crash(signature: string): void {
    if (this.listening) this.hooks.onCrash(signature);
  }

  /** The machine stopped (a bugcheck at the debugger's prompt, QEMU gone): the runner is as good as dead. */
  machineStopped(): void {
    this.resolveExit({ exitCode: null });
  }

  kill(): Promise<void> {
    this.killed ??= (async () => {
      await this.started;
      const ended = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
      if (!ended) {
        await this.agent.kill(KILL_WAIT_MS).catch(() => undefined);
        await Promise.race([this.exited, new Promise((r) => setTimeout(r, KILL_WAIT_MS))]);
      }
    })();
    return this.killed;
  }

  async drain(): Promise<void> {
    await this.kill();
    const lastOut = this.out.end();
    if (lastOut !== null) this.stdout(lastOut);
    const lastErr = this.err.end();
    if (lastErr !== null) this.stderr(lastErr);
    this.listening = false;
  }

  /** Stops delivering lines (the target is reverting); what the guest says from now on belongs to no one. */
  detach(): void {
    this.listening = false;
    this.resolveExit({ exitCode: null });
  }

  private stdout(line: string): void {
    if (this.listening) this.hooks.onStdout(line);
  }

  /** The runner's stderr: its case markers when it was told `markers stderr`, else what it complains about. */
  private stderr(line: string): void {
    const user = /^\[(\d+)\] (.*)$/s.exec(line);
    if (user) this.debug({ timeMs: Date.now(), source: 'user', pid: Number(user[1]), text: user[2] ?? '' });
    else this.debug({ timeMs: Date.now(), source: 'target', text: `guest runner stderr: ${line}` });
  }
}
