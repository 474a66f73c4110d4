import { crc32 } from 'node:zlib';

/**
 * The guest agent's frames (driver/agent/PROTOCOL.md): "LAB!", type, id, payload length, payload, CRC-32
 * of everything after the magic. Serial lines lose and garble bytes, so the decoder trusts nothing: it
 * looks for the magic, refuses a length over the limit, and checks the CRC before a frame counts.
 */
export const FRAME_MAGIC = Buffer.from('LAB!', 'latin1');
export const FRAME_HEAD = 13;
export const FRAME_MAX_PAYLOAD = 65536;

export const FrameType = {
  ping: 0x01,
  putBegin: 0x02,
  putData: 0x03,
  putEnd: 0x04,
  stat: 0x05,
  read: 0x06,
  exec: 0x07,
  kill: 0x08,
  poll: 0x09,
  ok: 0x80,
  pong: 0x81,
  data: 0x82,
  started: 0x83,
  nak: 0xfe,
  err: 0xff,
} as const;

export interface Frame {
  type: number;
  id: number;
  payload: Buffer;
}

export function encodeFrame(type: number, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > FRAME_MAX_PAYLOAD) throw new RangeError(`a frame holds at most ${FRAME_MAX_PAYLOAD} bytes, not ${payload.length}`);
  const frame = Buffer.allocUnsafe(FRAME_HEAD + payload.length + 4);
  FRAME_MAGIC.copy(frame, 0);
  frame.writeUInt8(type, 4);
  frame.writeUInt32LE(id >>> 0, 5);
  frame.writeUInt32LE(payload.length, 9);
  payload.copy(frame, FRAME_HEAD);
  frame.writeUInt32LE(crc32(frame.subarray(4, FRAME_HEAD + payload.length)), FRAME_HEAD + payload.length);
  return frame;
}

/** Bytes in, frames out; what is not a good frame is skipped and counted as noise. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes skipped because they were not part of a good frame. */
  noise = 0;

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const at = this.buffer.indexOf(FRAME_MAGIC);
      if (at < 0) {
        // Keep a tail that may be the start of a magic.
        const keep = Math.min(this.buffer.length, FRAME_MAGIC.length - 1);
        this.noise += this.buffer.length - keep;
        this.buffer = this.buffer.subarray(this.buffer.length - keep);
        return frames;
      }
      if (at > 0) {
        this.noise += at;
        this.buffer = this.buffer.subarray(at);
      }
      if (this.buffer.length < FRAME_HEAD) return frames;
      const length = this.buffer.readUInt32LE(9);
      if (length > FRAME_MAX_PAYLOAD) {
        this.skip(1);
        continue;
      }
      const whole = FRAME_HEAD + length + 4;
      if (this.buffer.length < whole) return frames;
      const want = this.buffer.readUInt32LE(FRAME_HEAD + length);
      if (crc32(this.buffer.subarray(4, FRAME_HEAD + length)) !== want) {
        this.skip(1);
        continue;
      }
      frames.push({
        type: this.buffer.readUInt8(4),
        id: this.buffer.readUInt32LE(5),
        payload: Buffer.from(this.buffer.subarray(FRAME_HEAD, FRAME_HEAD + length)),
      });
      this.buffer = this.buffer.subarray(whole);
    }
  }

  private skip(n: number): void {
    this.noise += n;
    this.buffer = this.buffer.subarray(n);
  }
}
