import { execa, type ResultPromise } from 'execa';
import { constants, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { HarnessError } from '../../errors/lab-error.js';
import { LineSplitter } from '../../guest/line-splitter.js';
import { AgentClient } from './agent-client.js';
import { qemuArgv, qemuBinary, type QemuMachineConfig, sockets } from './qemu-command.js';
import { OWNER_VARIABLE } from './qemu-reaper.js';
import { connectUnix, QmpClient, type QmpEvent } from './qmp-client.js';
import { KDB_PROMPT } from './kernel-debug-port.js';

export interface MachineHooks {
  /** A whole line from the kernel's debug port (COM1), with the host time it arrived. */
  onDebugText(text: string, timeMs: number): void;
  /** The kernel waits at its debugger's prompt (it printed `kdb:>`): the machine will not go on by itself. */
  onDebuggerPrompt(): void;
  /** QEMU's GUEST_PANICKED (a pvpanic device told it the guest crashed). */
  onPanic(event: QmpEvent): void;
  /** QEMU itself exited (killed, crashed): the machine is gone. */
  onExit(how: string): void;
}

const CONNECT_MS = 30_000;

/**
 * One QEMU process lab owns: its child (killed with lab; the reaper finds it by the run folder in its
 * environment otherwise), QMP, the kernel's debug port (COM1) and the agent's port (COM2, as two FIFOs).
 * It starts paused, so every port is connected before the guest prints or listens.
 */
export class QemuMachine {
  private exitedWith?: string;

  private constructor(
    readonly child: ResultPromise,
    readonly qmp: QmpClient,
    readonly agent: AgentClient,
    private readonly debugSocket: Socket,
    readonly version: string,
  ) {}

  static async start(config: QemuMachineConfig, ownerDir: string, hooks: MachineHooks): Promise<QemuMachine> {
    const binary = qemuBinary(config.arch);
    await makeFifos(sockets(config.socketDir).agent);
    const child = execa(binary, qemuArgv(config), {
      env: { [OWNER_VARIABLE]: ownerDir },
      stdin: 'ignore',
      buffer: { stdout: false, stderr: true },
      reject: false,
      cleanup: true,
      detached: false,
    });
    let early = '';
    child.stderr?.on('data', (chunk: Buffer) => (early = (early + chunk.toString('utf8')).slice(-4000)));
    const died = child.then((r) => r);
    try {
      const s = sockets(config.socketDir);
      const race = <T>(p: Promise<T>) =>
        Promise.race([
          p,
          died.then((r) =>
            Promise.reject(
              new HarnessError('LAB_QEMU_START', `${binary} exited at start (code ${r.exitCode ?? r.signal}): ${early.trim() || r.stderr || 'no message'}`),
            ),
          ),
        ]);
      const qmp = await race(QmpClient.connect(s.qmp, CONNECT_MS));
      const debugSocket = await race(connectUnix(s.com1, CONNECT_MS));
      const [fromAgent, toAgent] = openFifos(s.agent);
      const version = await qmp.execute('query-version').then((v) => {
        const q = (v as { qemu?: { major: number; minor: number; micro: number } }).qemu;
        return q ? `${q.major}.${q.minor}.${q.micro}` : 'unknown';
      });
      const machine = new QemuMachine(child, qmp, new AgentClient(fromAgent, toAgent), debugSocket, version);
      machine.listen(hooks);
      return machine;
    } catch (error) {
      child.kill('SIGKILL');
      await died;
      throw error;
    }
  }

  /** Lets the paused guest run. */
  async resume(): Promise<void> {
    await this.qmp.execute('cont');
  }

  /** Saves the whole machine (memory, devices, disk) as an internal snapshot of its qcow2 disk. */
  async savevm(name: string): Promise<void> {
    const out = await this.qmp.hmp(`savevm ${name}`);
    if (out.trim()) throw new HarnessError('LAB_QEMU_SNAPSHOT', `savevm ${name} failed: ${out.trim()}`);
  }

  /** Back to an internal snapshot; the guest runs on from there. */
  async loadvm(name: string): Promise<void> {
    const out = await this.qmp.hmp(`loadvm ${name}`);
    if (out.trim())
      throw new HarnessError(
        'LAB_QEMU_SNAPSHOT',
        `loadvm ${name} failed: ${out.trim()}. Fix: remove lab's cached disk (lab doctor names it) so it is made again.`,
      );
    const status = (await this.qmp.execute('query-status')) as { running?: boolean };
    if (!status.running) await this.resume();
  }

  get gone(): string | undefined {
    return this.exitedWith;
  }

  /** Ends QEMU now (nothing in it needs saving) and waits for it. */
  async kill(): Promise<void> {
    this.agent.close();
    this.qmp.close();
    this.debugSocket.destroy();
    this.child.kill('SIGKILL');
    await this.child.catch(() => undefined);
  }

  killNow(): void {
    this.child.kill('SIGKILL');
  }

  private listen(hooks: MachineHooks): void {
    const lines = new LineSplitter();
    let tail = '';
    this.debugSocket.on('data', (chunk: Buffer) => {
      const now = Date.now();
      for (const line of lines.push(chunk)) hooks.onDebugText(line.replace(/\r$/, ''), now);
      // The prompt has no line end after it: look for it in the raw bytes, across chunk boundaries.
      const text = tail + chunk.toString('latin1');
      if (text.includes(KDB_PROMPT)) hooks.onDebuggerPrompt();
      tail = text.slice(-(KDB_PROMPT.length - 1));
    });
    this.debugSocket.on('error', () => undefined);
    this.qmp.on('event', (event) => {
      if (event.event === 'GUEST_PANICKED') hooks.onPanic(event);
    });
    void this.child.then((r) => {
      this.exitedWith = r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
      hooks.onExit(this.exitedWith);
    });
  }
}

/** The agent port's two FIFOs, made fresh (QEMU opens them read-write, so neither side blocks on open). */
async function makeFifos(base: string): Promise<void> {
  for (const end of ['in', 'out']) {
    await rm(`${base}.${end}`, { force: true });
    const made = await execa('mkfifo', ['-m', '600', `${base}.${end}`], { reject: false });
    if (made.exitCode !== 0) throw new HarnessError('LAB_QEMU_START', `cannot make the FIFO ${base}.${end}: ${made.stderr || made.message}`);
  }
}

/** Opened after QEMU has opened them: a non-blocking write end needs a reader, or open fails (ENXIO). */
function openFifos(base: string): [Socket, Socket] {
  const from = new Socket({ fd: openSync(`${base}.out`, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
  const to = new Socket({ fd: openSync(`${base}.in`, constants.O_WRONLY | constants.O_NONBLOCK), readable: false, writable: true });
  return [from, to];
}
