/**
 * Names for a crash's frames in the driver: function and file:line from the image's debug information (a
 * `-g` build, or the `<image>.debug` file the build keeps beside it through .gnu_debuglink), read by
 * mingw-w64's addr2line on this machine, the same way for every target that reports module and offset.
 * An image without debug information, or no addr2line, just leaves the frames unnamed.
 */
import { readFile } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import { execa } from 'execa';
import { readPe } from '../pe/read-pe.js';

export interface FrameName {
  function?: string;
  /** file:line, relative to the working folder when it is inside it. */
  location?: string;
}

const ADDR2LINE = 'x86_64-w64-mingw32-addr2line';

/** Names for `offsets` (RVAs) in the image at `imagePath`, in order; unnamed frames are `{}`. */
export async function nameFrames(imagePath: string, offsets: number[]): Promise<FrameName[]> {
  const none = offsets.map(() => ({}));
  if (offsets.length === 0) return none;
  const pe = readPe(await readFile(imagePath).catch(() => Buffer.alloc(0)));
  if (!pe.ok) return none;
  const addresses = offsets.map((o) => `0x${(pe.image.imageBase + BigInt(o)).toString(16)}`);
  const result = await execa(ADDR2LINE, ['-f', '-C', '-e', imagePath, ...addresses], { reject: false, timeout: 10_000, stdin: 'ignore' });
  if (result.exitCode !== 0 || typeof result.stdout !== 'string') return none;
  const lines = result.stdout.split('\n');
  return offsets.map((_, i) => {
    const fn = lines[2 * i]?.trim();
    const where = lines[2 * i + 1]?.trim();
    const name: FrameName = {};
    if (fn && fn !== '??') name.function = fn;
    if (where && !where.startsWith('??')) name.location = shortPath(where.replace(/ \(discriminator \d+\)$/, ''));
    return name;
  });
}

function shortPath(location: string): string {
  const m = /^(.*):(\d+|\?)$/.exec(location);
  if (!m || !isAbsolute(m[1]!)) return location;
  const rel = relative(process.cwd(), m[1]!);
  return rel.startsWith('..') ? location : `${rel}:${m[2]}`;
}
