import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root/package-root.js';

const DIST = `${pathToFileURL(join(packageRoot(), 'lab', 'dist')).href}/`;

/** A node process that installs lab's handling of uncaught errors, then runs `body` (ES module code). */
function withHandling(body: string, env: Record<string, string> = {}) {
  const script = `
    const { installUncaughtHandling } = await import('${DIST}cli/uncaught.js');
    const { interruptSignal } = await import('${DIST}cli/signals.js');
    const { HarnessError } = await import('${DIST}errors/lab-error.js');
    installUncaughtHandling();
    ${body}
  `;
  return execa('node', ['--input-type=module', '-e', script], { reject: false, env: { LAB_DEBUG: '', ...env } });
}

const STACK = /\n\s+at .+:\d+:\d+/;

describe('errors no code path caught', () => {
  it('an exception thrown from a callback is a bug in lab: exit 3, one line, no stack (Node alone exits 1 with a stack)', async () => {
    const r = await withHandling(`setTimeout(() => { throw new Error('boom'); }, 1);`);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('lab: internal error (a bug in lab, please report it): boom\nlab: set LAB_DEBUG=1 for the stack trace');
  });

  it('a promise nobody awaited that rejects with a lab error: its message and its exit code', async () => {
    const r = await withHandling(`Promise.reject(new HarnessError('LAB_SSH_LOST', 'win11: the SSH connection was lost.'));`);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('lab: win11: the SSH connection was lost.');
  });

  it('LAB_DEBUG adds the stack', async () => {
    const r = await withHandling(`Promise.reject(new Error('late'));`, { LAB_DEBUG: '1' });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^lab: internal error \(a bug in lab, please report it\): late\nError: late/);
    expect(r.stderr).toMatch(STACK);
  });

  it('a run under way has its target stopped first, as a forced exit does', async () => {
    const r = await withHandling(
      `interruptSignal(() => process.stdout.write('target killed\\n')); setTimeout(() => { throw new TypeError('x is undefined'); }, 1);`,
    );
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('target killed');
    expect(r.stderr).not.toMatch(STACK);
  });
});
