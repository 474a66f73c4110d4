import { open } from 'node:fs/promises';

/**
 * The driver services a guest-runner plan loads (its `driver <service> <image>` header line, see
 * driver/guest/PROTOCOL.md), read from the local plan file lab puts into the guest. A plain machine has
 * no checkpoint to revert to, so revert must unload them by name even when the runner died before its
 * own unload; this is how the target learns the names without the pipeline telling it.
 */
export async function planServices(localPath: string): Promise<string[]> {
  const file = await open(localPath, 'r');
  try {
    const buffer = Buffer.alloc(16 * 1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    if (!/^lab-plan 1\r?\n/.test(text)) return [];
    const services: string[] = [];
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('case ')) break;
      const m = /^driver\s+(\S+)\s/.exec(line);
      if (m) services.push(m[1]!);
    }
    return services;
  } finally {
    await file.close();
  }
}
