import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { HarnessError } from '../../errors/lab-error.js';
import { LineSplitter } from '../../guest/line-splitter.js';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

/**
 * QEMU's machine protocol over its unix socket: JSON per line, commands answered in order (matched by
 * `id` all the same), events in between. HMP commands (savevm, loadvm) go through human-monitor-command.
 */
export class QmpClient extends EventEmitter<{ event: [QmpEvent]; close: [] }> {
  private readonly lines = new LineSplitter();
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private greeted!: Promise<void>;

  private constructor(private readonly socket: Socket) {
    super();
    let greet!: () => void;
    this.greeted = new Promise((resolve) => (greet = resolve));
    socket.on('data', (chunk: Buffer) => {
      for (const line of this.lines.push(chunk)) this.onLine(line, greet);
    });
    socket.on('close', () => {
      for (const w of this.waiting.values()) w.reject(new HarnessError('LAB_QEMU_QMP', 'QEMU closed its QMP socket (it exited)'));
      this.waiting.clear();
      this.emit('close');
    });
    socket.on('error', () => undefined);
  }

  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const socket = await connectUnix(path, timeoutMs);
    const client = new QmpClient(socket);
    await client.greeted;
    await client.execute('qmp_capabilities');
    return client;
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  /** An HMP command; its text output, which for savevm/loadvm is empty on success and the error otherwise. */
  async hmp(commandLine: string): Promise<string> {
    return String(await this.execute('human-monitor-command', { 'command-line': commandLine }));
  }

  close(): void {
    this.socket.destroy();
  }

  private onLine(line: string, greet: () => void): void {
    let message: { QMP?: unknown; id?: number; return?: unknown; error?: { class: string; desc: string }; event?: string; data?: Record<string, unknown> };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.QMP) {
      greet();
      return;
    }
    if (message.event) {
      this.emit('event', { event: message.event, ...(message.data ? { data: message.data } : {}) });
      return;
    }
    const waiter = message.id !== undefined ? this.waiting.get(message.id) : undefined;
    if (!waiter) return;
    this.waiting.delete(message.id!);
    if (message.error) waiter.reject(new HarnessError('LAB_QEMU_QMP', `QEMU refused a command: ${message.error.desc}`));
    else waiter.resolve(message.return);
  }
}

/** Connects to a unix socket QEMU is about to create (retrying while it does not exist yet). */
export async function connectUnix(path: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path);
        socket.once('connect', () => {
          socket.removeAllListeners('error');
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() >= deadline) throw new HarnessError('LAB_QEMU_SOCKET', `cannot connect to QEMU's socket ${path}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
