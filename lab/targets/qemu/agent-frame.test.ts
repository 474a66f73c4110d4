import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FRAME_MAX_PAYLOAD, FrameType } from './agent-frame.js';

describe('agent frames (host side)', () => {
  it('decodes what it encodes, across chunk boundaries and after noise', () => {
    const a = encodeFrame(FrameType.ping, 7, Buffer.from('hello'));
    const b = encodeFrame(FrameType.data, 8, Buffer.alloc(3000, 0x4c));
    const wire = Buffer.concat([Buffer.from('junk LA'), a, Buffer.from([0, 1, 2]), b]);
    const decoder = new FrameDecoder();
    const frames = [];
    for (let at = 0; at < wire.length; at += 97) frames.push(...decoder.push(wire.subarray(at, at + 97)));
    expect(frames.map((f) => [f.type, f.id, f.payload.length])).toEqual([
      [FrameType.ping, 7, 5],
      [FrameType.data, 8, 3000],
    ]);
    expect(frames[1]!.payload.every((x) => x === 0x4c)).toBe(true);
    expect(decoder.noise).toBe(10);
  });

  it('drops a frame whose checksum is wrong and finds the next one', () => {
    const bad = encodeFrame(FrameType.ok, 1, Buffer.from('x'));
    bad[bad.length - 1]! ^= 0xff;
    const frames = new FrameDecoder().push(Buffer.concat([bad, encodeFrame(FrameType.ok, 2)]));
    expect(frames.map((f) => f.id)).toEqual([2]);
  });

  it('never waits for the payload of a frame that claims more than the limit', () => {
    const head = Buffer.alloc(13);
    head.write('LAB!', 0, 'latin1');
    head.writeUInt8(FrameType.data, 4);
    head.writeUInt32LE(3, 5);
    head.writeUInt32LE(0xfffffff0, 9);
    const frames = new FrameDecoder().push(Buffer.concat([head, encodeFrame(FrameType.pong, 4, Buffer.from('ok'))]));
    expect(frames.map((f) => [f.id, f.payload.toString()])).toEqual([[4, 'ok']]);
  });

  it('checksums type, id, length and payload with CRC-32, and refuses to build an oversized frame', () => {
    const frame = encodeFrame(FrameType.stat, 0x01020304, Buffer.from('C:\\lab'));
    expect(frame.readUInt32LE(frame.length - 4)).toBe(crc32(frame.subarray(4, frame.length - 4)));
    expect(() => encodeFrame(FrameType.putData, 1, Buffer.alloc(FRAME_MAX_PAYLOAD + 1))).toThrow(/at most 65536/);
  });
});
