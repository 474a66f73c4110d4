/**
 * A driver host's crash as people read it: the faulting thread's frames, innermost first, each as
 * module+offset with the function and file:line when the driver has debug information (lab/symbols/),
 * or the symbol Wine's own modules export.
 */
import { nameFrames, type FrameName } from '../../symbols/name-frames.js';
import type { HostCrash } from './host-watch.js';

/** `images`: the local file of each deployed image, by lower-cased file name. */
export async function crashReport(crash: HostCrash, images: Map<string, string>): Promise<string | undefined> {
  if (crash.frames.length === 0) return undefined;
  const names: FrameName[] = crash.frames.map(() => ({}));
  const byImage = new Map<string, number[]>();
  crash.frames.forEach((f, i) => {
    const local = f.module ? images.get(f.module.toLowerCase()) : undefined;
    if (local && f.offset !== undefined) byImage.set(local, [...(byImage.get(local) ?? []), i]);
  });
  for (const [image, indexes] of byImage) {
    const named = await nameFrames(
      image,
      indexes.map((i) => crash.frames[i]!.offset!),
    );
    indexes.forEach((frame, k) => (names[frame] = named[k]!));
  }
  const rows = crash.frames.map((f, i) => {
    const where = f.module && f.offset !== undefined ? `${f.module}+0x${f.offset.toString(16)}` : f.pc;
    const name = names[i]!;
    const fn = name.function ?? (f.symbol ? `${f.symbol}${f.displacement ? `+0x${f.displacement.toString(16)}` : ''}` : '');
    return `${String(i).padStart(3)}  ${where.padEnd(28)} ${fn}${name.location ? `  ${name.location}` : ''}`.trimEnd();
  });
  return [`backtrace of the faulting thread${crash.tid !== undefined ? ` 0x${crash.tid.toString(16)}` : ''}, innermost first:`, ...rows].join('\n');
}
