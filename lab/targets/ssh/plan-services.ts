import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Longer lines carry payloads, never a service name: they are skipped unread. */
const MAX_NAME_LINE = 512;

/**
 * The driver services a guest-runner plan loads: its `driver <service> <image>` header line and every
 * `load <service> ...` step (a second driver, another image; see driver/guest/PROTOCOL.md), read from the
 * local plan file lab puts into the guest. A plain machine has no checkpoint to revert to, so revert must
 * unload them by name even when the runner died before its own unload; this is how the target learns the
 * names without the pipeline telling it.
 */
export async function planServices(localPath: string): Promise<string[]> {
  const input = createReadStream(localPath, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const services = new Set<string>();
  let first = true;
  let inHeader = true;
  try {
    for await (const raw of lines) {
      const line = first ? raw.replace(/^\uFEFF/, '') : raw;
      if (first && line !== 'lab-plan 1') return [];
      first = false;
      if (line.length > MAX_NAME_LINE) continue;
      if (line.startsWith('case ')) inHeader = false;
      const m = inHeader ? /^driver\s+(\S+)\s/.exec(line) : /^load\s+(\S+)/.exec(line);
      if (m) services.add(m[1]!);
    }
  } finally {
    // Closing the reader leaves its stream open: a binary file read no further than its first line.
    lines.close();
    input.destroy();
  }
  return [...services];
}
