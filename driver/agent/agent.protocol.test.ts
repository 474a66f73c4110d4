import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD } from '../../lab/e2e/run-lab.js';
import { AgentClient, AgentRequestError } from '../../lab/targets/qemu/agent-client.js';
import { FrameDecoder, FrameType } from '../../lab/targets/qemu/agent-frame.js';
import { wineEnv } from '../../lab/targets/wine/wine-env.js';
import { killPrefixProcesses } from '../../lab/targets/wine/wine-reaper.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';

/** A frame as the agent reads it, with its parts open to damage. */
function rawFrame(type: number, id: number, payload: Buffer, length = payload.length): Buffer {
  const head = Buffer.alloc(13);
  head.write('LAB!', 0, 'latin1');
  head.writeUInt8(type, 4);
  head.writeUInt32LE(id, 5);
  head.writeUInt32LE(length >>> 0, 9);
  const body = Buffer.concat([head.subarray(4), payload]);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc32(body));
  return Buffer.concat([head.subarray(0, 4), body, tail]);
}

/**
 * The real agent (x86_64 build) under Wine, serving its stdin and stdout ("-") instead of a serial port:
 * the same parser, files and programs the VM's agent runs, fed hostile frames on purpose.
 */
describe('the guest agent against what a serial line can do to frames', () => {
  let prefix: FreshPrefix;
  let child: ReturnType<typeof execa>;
  let agent: AgentClient;
  const naks: string[] = [];

  beforeAll(async () => {
    prefix = await freshPrefix();
    child = execa('wine', [join(BUILD, 'lab-agent.exe'), '-'], {
      env: wineEnv(prefix.prefix),
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'ignore',
      buffer: false,
      reject: false,
    });
    const watch = new FrameDecoder();
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const f of watch.push(chunk)) if (f.type === FrameType.nak) naks.push(f.payload.toString());
    });
    agent = new AgentClient(child.stdout!, child.stdin!);
    await agent.handshake(60_000);
  }, 120_000);
  afterAll(async () => {
    agent?.close();
    child?.kill('SIGKILL');
    await killPrefixProcesses(prefix.prefix);
    await prefix?.dispose();
  });

  it('puts a file, skips it when the guest has the same bytes, reads a range and runs a program', async () => {
    const local = join(prefix.driveC, '..', 'agent-put.bin');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    await writeFile(local, bytes);
    expect(await agent.put(local, 'C:\\lab\\sub dir\\put.bin')).toBe(70_000);
    expect(await agent.put(local, 'C:\\lab\\sub dir\\put.bin')).toBe(0);
    expect(await agent.read('C:\\lab\\sub dir\\put.bin', 65_530, 65_546)).toEqual(bytes.subarray(65_530, 65_546));
    expect((await agent.read('C:\\lab\\sub dir\\put.bin'))?.equals(bytes)).toBe(true);
    expect(await agent.read('C:\\lab\\missing.bin')).toBeUndefined();
    const out: string[] = [];
    const err: string[] = [];
    const run = await agent.exec('cmd.exe /c echo out-line & echo err-line 1>&2 & exit 7', (stream, b) => (stream === 1 ? out : err).push(b.toString()));
    expect(await run.exited).toBe(7);
    expect(out.join('')).toMatch(/out-line/);
    expect(err.join('')).toMatch(/err-line/);
    await expect(agent.exec('C:\\no\\such\\program.exe', () => undefined)).rejects.toBeInstanceOf(AgentRequestError);
  }, 120_000);

  it('answers a damaged checksum with a NAK and goes on', async () => {
    const bad = rawFrame(FrameType.ping, 900, Buffer.from('x'));
    bad[bad.length - 1]! ^= 0x55;
    child.stdin!.write(bad);
    expect(await agent.ping(Buffer.from('after a bad checksum'))).toEqual(Buffer.from('after a bad checksum'));
    expect(naks).toContain('bad checksum');
  }, 60_000);

  it('refuses a length over the limit without waiting for (or keeping) its payload, and goes on', async () => {
    child.stdin!.write(rawFrame(FrameType.putData, 901, Buffer.alloc(16), 0x7fffffff));
    expect(await agent.ping(Buffer.from('after an oversized length'))).toEqual(Buffer.from('after an oversized length'));
    expect(naks).toContain('frame length 2147483647 over the limit of 65536 bytes');
  }, 60_000);

  it('drops a frame cut short once no byte comes for a while, and goes on', async () => {
    child.stdin!.write(rawFrame(FrameType.ping, 902, Buffer.alloc(100, 0x41)).subarray(0, 40));
    await new Promise((r) => setTimeout(r, 2500));
    expect(await agent.ping(Buffer.from('after a truncated frame'))).toEqual(Buffer.from('after a truncated frame'));
    expect(naks).toContain('truncated frame');
  }, 60_000);

  it('answers an unknown request type with an error, not silence', async () => {
    await expect(agent.request(0x42, Buffer.alloc(0))).rejects.toThrow(/unknown frame type \(Win32 error 1\)/);
  }, 60_000);
});
