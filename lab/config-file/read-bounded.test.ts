import { execFileSync } from 'node:child_process';
import { open, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBounded } from './read-bounded.js';
import { decodeUtf8 } from './utf8-text.js';
import { positionInBytes } from './text-position.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('read-bounded');
});

const MIB = 1024 * 1024;

describe('readBounded', () => {
  it('reads a file up to its cap, and refuses one past it by its size alone (a sparse 300 MiB file is never read)', async () => {
    const small = join(dir, 'small.json');
    await writeFile(small, '{"a":1}');
    expect(await readBounded(small, 7, 'x')).toEqual({ bytes: Buffer.from('{"a":1}') });
    expect(await readBounded(small, 6, 'a thing')).toEqual({ refused: 'expected a thing, found 7 bytes (at most 6 bytes)', tooBig: true });
    const huge = join(dir, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, 300 * MIB);
    expect(await readBounded(huge, 256 * MIB, 'report.json as lab writes it')).toEqual({
      refused: 'expected report.json as lab writes it, found 300 MiB (at most 256 MiB)',
      tooBig: true,
    });
    // One byte over a cap of whole MiB would read as the cap itself in MiB: given in bytes.
    await truncate(huge, MIB + 1);
    expect(await readBounded(huge, MIB, 'a waivers file')).toMatchObject({
      refused: 'expected a waivers file, found 1,048,577 bytes (at most 1,048,576 bytes)',
    });
  });

  it('reads a stream with no size (a FIFO, <(...)) to its end, and refuses it one byte past the cap', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const write = async (bytes: Buffer) => {
      const w = await open(fifo, 'w');
      await w.write(bytes);
      await w.close();
    };
    // The reader opens first (a FIFO waits for its writer, as any reader of a pipe would).
    let reading = readBounded(fifo, 16, 'x');
    await write(Buffer.from('a: 1\n'));
    expect(await reading).toEqual({ bytes: Buffer.from('a: 1\n') });
    reading = readBounded(fifo, 16, 'a suite');
    await write(Buffer.alloc(17, 0x61)).catch(() => undefined); // the reader may close first: EPIPE
    expect(await reading).toEqual({ refused: 'expected a suite, found more than 16 bytes (at most 16 bytes)', tooBig: true });
  });

  it('refuses a folder and a device past the cap; a missing file is missing', async () => {
    expect(await readBounded(dir, 100, 'a suite')).toEqual({ refused: 'expected a suite, found a folder' });
    expect(await readBounded('/dev/zero', 100, 'an inventory')).toEqual({
      refused: 'expected an inventory, found more than 100 bytes (at most 100 bytes)',
      tooBig: true,
    });
    expect(await readBounded(join(dir, 'nope', 'x.yaml'), 100, 'a suite')).toMatchObject({ missing: { code: 'ENOENT' } });
  });
});

describe('decodeUtf8', () => {
  it('gives the text without its byte-order mark', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFa: é\n'))).toEqual({ text: 'a: é\n' });
  });

  it('stops at the first NUL or bad sequence, whichever comes first, located by line and column', () => {
    const nul = Buffer.from('a: 1\nbé: x\0y\n');
    const atNul = decodeUtf8(nul);
    expect(atNul).toEqual({ offset: 11, found: 'a NUL byte (is this a binary file?)' });
    expect(positionInBytes(nul, 11)).toEqual({ line: 2, column: 6 });
    const bad = Buffer.concat([Buffer.from('\uFEFFcafé '), Buffer.from([0xc3, 0x28]), Buffer.from('\0')]);
    const atBad = decodeUtf8(bad);
    expect(atBad).toEqual({ offset: 9, found: 'a byte sequence that is not UTF-8 (is this a binary file?)' });
    // The byte-order mark is no column; é is one.
    expect(positionInBytes(bad, 9)).toEqual({ line: 1, column: 6 });
  });
});
