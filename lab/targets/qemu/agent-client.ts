import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { HarnessError } from '../../errors/lab-error.js';
import { encodeFrame, type Frame, FrameDecoder, FRAME_MAX_PAYLOAD, FrameType } from './agent-frame.js';

/** The agent answered a request with an error: the Win32 code and what it was doing. */
export class AgentRequestError extends HarnessError {
  constructor(
    readonly win32: number,
    message: string,
  ) {
    super('LAB_QEMU_REQUEST', message);
  }
}

export interface ExecHandle {
  pid: number;
  /** The program's exit code, or null when the agent went away (a revert, a crash) before it ended. */
  exited: Promise<number | null>;
}

interface Pending {
  frame: Buffer;
  resolve(frame: Frame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  resent: number;
}

interface Running {
  onOutput(stream: 1 | 2, bytes: Buffer): void;
  resolve(code: number | null): void;
}

/** How often a running program's output is asked for when the last poll brought nothing. */
const POLL_IDLE_MS = 15;
/**
 * The pause between an answer and the next request. ReactOS's serial.sys serves one interrupt cause per
 * edge-triggered interrupt: received bytes that arrive while its transmit-empty interrupt (after the
 * answer's last byte) is still unserved are never seen, and the port goes deaf. The guest serves that
 * interrupt at once unless the kernel is busy printing on its debug port; this gives it time to.
 */
const SETTLE_MS = 10;

/**
 * Under TCG the serial line carries about 10 to 30 KB/s each way; a request may take this long plus its
 * bytes at the slowest rate seen before it counts as lost.
 */
const BASE_TIMEOUT_MS = 10_000;
const SLOWEST_BYTES_PER_MS = 4;
const PUT_CHUNK = 16 * 1024;
const MAX_RESENDS = 2;
/** LAB_QEMU_TRACE=1 prints every frame the agent sends (to stderr), for debugging the serial link. */
const TRACE = process.env.LAB_QEMU_TRACE === '1';

/**
 * lab's side of the guest agent, over the VM's COM2. Strictly one request at a time, each answered before
 * the next goes (the agent never speaks first: see driver/agent/PROTOCOL.md for why); a NAK (the agent saw
 * a damaged frame) resends the request; a running program's output is polled for. Files are compared by
 * size and CRC-32 before they are sent, so a file the guest already holds costs one round trip.
 */
export class AgentClient {
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private running?: Running;
  private nextId = 1;
  private closed = false;
  /** Requests go one at a time: the agent only ever answers, so nothing it sends crosses what lab sends. */
  private line: Promise<unknown> = Promise.resolve();
  /** Bumped by reset(): a poll loop of an older generation stops. */
  private generation = 0;
  private lastAnswer = 0;
  /** Bytes sent to the guest by put(), for the report's figures. */
  bytesSent = 0;

  /** `from`: where the agent's frames arrive; `to`: where requests go (the same stream, or another port). */
  constructor(
    private readonly from: Readable,
    private readonly to: Writable = from as unknown as Writable,
  ) {
    from.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    });
    for (const stream of new Set([from, to])) {
      stream.on('close', () => this.fail(new HarnessError('LAB_QEMU_AGENT', 'the connection to the guest agent closed')));
      stream.on('error', () => undefined);
    }
  }

  /** Sends PING until the agent answers, or throws after `timeoutMs` (a boot, a revert). */
  async handshake(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (left <= 0) throw new HarnessError('LAB_QEMU_AGENT', `the guest agent did not answer within ${Math.round(timeoutMs / 1000)} s`);
      try {
        // A slow answer is waited for rather than sent again: requests must not pile up in the port.
        await this.request(FrameType.ping, Buffer.from('lab'), Math.min(5000, left), 0);
        return;
      } catch (error) {
        if (error instanceof HarnessError && error.code === 'LAB_QEMU_AGENT_TIMEOUT') continue;
        throw error;
      }
    }
  }

  ping(payload: Buffer, timeoutMs?: number): Promise<Buffer> {
    return this.request(FrameType.ping, payload, timeoutMs).then((f) => f.payload);
  }

  async stat(guestPath: string): Promise<{ size: number; crc: number } | undefined> {
    try {
      return sizeAndCrc(await this.request(FrameType.stat, Buffer.from(guestPath, 'utf8')));
    } catch (error) {
      if (error instanceof AgentRequestError && (error.win32 === 2 || error.win32 === 3)) return undefined;
      throw error;
    }
  }

  /** Puts a local file at a guest path unless the guest already holds the same bytes; returns the bytes sent. */
  async put(localPath: string, guestPath: string): Promise<number> {
    const bytes = await readFile(localPath);
    const want = { size: bytes.length, crc: crc32(bytes) };
    const have = await this.stat(guestPath);
    if (have && have.size === want.size && have.crc === want.crc) return 0;
    await this.request(FrameType.putBegin, Buffer.from(guestPath, 'utf8'));
    for (let at = 0; at < bytes.length; at += PUT_CHUNK) await this.request(FrameType.putData, bytes.subarray(at, at + PUT_CHUNK));
    const got = sizeAndCrc(await this.request(FrameType.putEnd, Buffer.alloc(0)));
    if (got.size !== want.size || got.crc !== want.crc) {
      throw new HarnessError(
        'LAB_QEMU_AGENT',
        `copying ${localPath} to ${guestPath}: the guest wrote ${got.size} bytes with CRC ${hex(got.crc)}, expected ${want.size} with ${hex(want.crc)}`,
      );
    }
    this.bytesSent += bytes.length;
    return bytes.length;
  }

  /** Bytes [start, end) of a guest file (to its end when `end` is absent), or undefined when it does not exist. */
  async read(guestPath: string, start = 0, end?: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const want = Math.min(FRAME_MAX_PAYLOAD, end === undefined ? FRAME_MAX_PAYLOAD : end - at);
      if (want <= 0) break;
      const head = Buffer.alloc(12);
      head.writeBigUInt64LE(BigInt(at), 0);
      head.writeUInt32LE(want, 8);
      let frame: Frame;
      try {
        frame = await this.request(FrameType.read, Buffer.concat([head, Buffer.from(guestPath, 'utf8')]));
      } catch (error) {
        if (error instanceof AgentRequestError && (error.win32 === 2 || error.win32 === 3)) return parts.length ? Buffer.concat(parts) : undefined;
        throw error;
      }
      parts.push(frame.payload);
      at += frame.payload.length;
      if (frame.payload.length < want) break;
    }
    return Buffer.concat(parts);
  }

  /**
   * Starts a program (one at a time); its stdout and stderr come to `onOutput` as the agent is polled for
   * them (every 15 ms while it has nothing, at once while it has more).
   */
  async exec(commandLine: string, onOutput: Running['onOutput']): Promise<ExecHandle> {
    if (this.running) throw new HarnessError('LAB_QEMU_AGENT', 'the guest agent already runs a program; this is a bug in lab');
    let resolve!: (code: number | null) => void;
    const exited = new Promise<number | null>((r) => (resolve = r));
    const running: Running = { onOutput, resolve };
    this.running = running;
    try {
      const started = await this.request(FrameType.exec, Buffer.from(commandLine, 'utf8'));
      void this.pollLoop(running, this.generation);
      return { pid: started.payload.readUInt32LE(0), exited };
    } catch (error) {
      this.running = undefined;
      throw error;
    }
  }

  private async pollLoop(running: Running, generation: number): Promise<void> {
    while (this.running === running && this.generation === generation && !this.closed) {
      let frame: Frame;
      try {
        frame = await this.request(FrameType.poll, Buffer.alloc(0));
      } catch {
        // The agent is gone or wedged (a crash, a revert): the program's end is unknown.
        if (this.running === running) this.running = undefined;
        running.resolve(null);
        return;
      }
      if (this.running !== running || this.generation !== generation) return;
      const p = frame.payload;
      const flags = p.readUInt8(0);
      const outLength = p.readUInt32LE(5);
      if (outLength > 0) running.onOutput(1, p.subarray(9, 9 + outLength));
      if (p.length > 9 + outLength) running.onOutput(2, p.subarray(9 + outLength));
      if (flags & 1) {
        this.running = undefined;
        running.resolve(p.readInt32LE(1));
        return;
      }
      if (!(flags & 2) && p.length === 9) await new Promise((r) => setTimeout(r, POLL_IDLE_MS));
    }
  }

  /** Ends the running program (if any). */
  async kill(timeoutMs = 5000): Promise<void> {
    if (!this.running) return;
    await this.request(FrameType.kill, Buffer.alloc(0), timeoutMs);
  }

  /**
   * Forgets every request and the running program: the guest was reverted to a state in which none of
   * them exist. What was waiting gets null (a program) or an error (a request).
   */
  reset(why: string): void {
    this.generation += 1;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new HarnessError('LAB_QEMU_AGENT', why));
    }
    this.running?.resolve(null);
    this.running = undefined;
  }

  close(): void {
    this.closed = true;
    this.reset('the guest agent connection was closed');
    this.from.destroy();
    this.to.destroy();
  }

  request(type: number, payload: Buffer, timeoutMs?: number, resends = MAX_RESENDS): Promise<Frame> {
    const generation = this.generation;
    const next = this.line.then(() =>
      generation === this.generation
        ? this.send(type, payload, timeoutMs, resends)
        : Promise.reject(new HarnessError('LAB_QEMU_AGENT', 'the machine was reverted')),
    );
    this.line = next.catch(() => undefined);
    return next;
  }

  private async send(type: number, payload: Buffer, timeoutMs?: number, resends = MAX_RESENDS): Promise<Frame> {
    const wait = this.lastAnswer + SETTLE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return this.sendNow(type, payload, timeoutMs, resends);
  }

  private sendNow(type: number, payload: Buffer, timeoutMs?: number, resends = MAX_RESENDS): Promise<Frame> {
    if (this.closed) return Promise.reject(new HarnessError('LAB_QEMU_AGENT', 'the guest agent connection is closed'));
    const id = this.nextId++;
    if (this.nextId > 0xffffffff) this.nextId = 1;
    const frame = encodeFrame(type, id, payload);
    const limit = timeoutMs ?? BASE_TIMEOUT_MS + frame.length / SLOWEST_BYTES_PER_MS;
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new HarnessError(
            'LAB_QEMU_AGENT_TIMEOUT',
            `the guest agent did not answer request ${id} (type 0x${type.toString(16)}) within ${Math.round(limit)} ms`,
          ),
        );
      }, limit);
      this.pending.set(id, { frame, resolve, reject, timer, resent: MAX_RESENDS - resends });
      if (TRACE) process.stderr.write(`agent> type=0x${type.toString(16)} id=${id} len=${payload.length}\n`);
      this.to.write(frame);
    });
  }

  private onFrame(frame: Frame): void {
    if (TRACE)
      process.stderr.write(
        `agent< type=0x${frame.type.toString(16)} id=${frame.id} len=${frame.payload.length}${frame.type === FrameType.nak ? ` ${frame.payload.toString('utf8')}` : ''}\n`,
      );
    this.lastAnswer = Date.now();
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    if (frame.type === FrameType.nak) {
      // The agent got this request damaged: send it again, a bounded number of times.
      if (pending.resent < MAX_RESENDS) {
        pending.resent += 1;
        setTimeout(() => this.to.write(pending.frame), SETTLE_MS);
        return;
      }
    }
    clearTimeout(pending.timer);
    this.pending.delete(frame.id);
    if (frame.type === FrameType.err) {
      const code = frame.payload.length >= 4 ? frame.payload.readUInt32LE(0) : 0;
      pending.reject(new AgentRequestError(code, `${frame.payload.subarray(4).toString('utf8')} (Win32 error ${code})`));
    } else if (frame.type === FrameType.nak) {
      pending.reject(new HarnessError('LAB_QEMU_AGENT', `the guest agent refused the request ${MAX_RESENDS + 1} times: ${frame.payload.toString('utf8')}`));
    } else {
      pending.resolve(frame);
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
    this.running?.resolve(null);
    this.running = undefined;
  }
}

function sizeAndCrc(frame: Frame): { size: number; crc: number } {
  if (frame.payload.length < 12) throw new HarnessError('LAB_QEMU_AGENT', 'the guest agent answered a file request without size and CRC');
  return { size: Number(frame.payload.readBigUInt64LE(0)), crc: frame.payload.readUInt32LE(8) };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
