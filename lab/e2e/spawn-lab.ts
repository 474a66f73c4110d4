import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { ROOT } from './run-lab.js';

export interface LiveLab {
  child: ResultPromise<{ reject: false; buffer: false }>;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when the output matches, rejects after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ exitCode: number | undefined }>;
}

/** Starts the real CLI and lets a test watch its output and signal it, as a person at a terminal would. */
export function spawnLab(args: string[], env: Record<string, string> = {}): LiveLab {
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = [];
  const child = execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), ...args], { cwd: ROOT, reject: false, buffer: false, env: { CI: '1', ...env } });
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 120_000) {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in:\n${text}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    exited: child.then((r) => ({ exitCode: r.exitCode })),
  };
}
