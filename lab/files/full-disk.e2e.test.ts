import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root/package-root.js';
import { aReport, aRichFailure } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * A full disk, for real: each test runs a child process in a user and mount namespace of its own with a
 * 64 KiB tmpfs mounted at a fresh folder (the same unprivileged namespaces the Wine target's prefixes use),
 * so lab's writers meet a genuine ENOSPC. The mount vanishes with the child.
 */
const ROOT = packageRoot();
const DIST = `${pathToFileURL(join(ROOT, 'lab', 'dist')).href}/`;
const LAB = join(ROOT, 'lab', 'bin', 'lab.js');

/** Runs `command` with a 64 KiB tmpfs at $DISK (its first argument), after `prepare` (sh) ran there. */
async function onSmallDisk(prepare: string, command: string[], env: Record<string, string> = {}) {
  const disk = await tempDir('full-disk');
  const sh = `mount -t tmpfs -o size=64k lab-full-disk "$0" && cd "$0" && ${prepare} && exec "$@"`;
  const r = await execa('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', sh, disk, ...command], {
    reject: false,
    cwd: ROOT,
    env: { DISK: disk, LAB_DEBUG: '', ...env },
  });
  return { ...r, disk };
}

/** Fills the disk up: dd stops at ENOSPC, which is what is wanted. */
const FILL = 'dd if=/dev/zero of=filler bs=4k 2>/dev/null; true';

describe('a full disk is a harness error that names the file (exit 3), and nothing already there is lost', () => {
  it('an atomic write (report.json, junit.xml, report.html, summary.md) that does not fit: LAB_WRITE_FAILED, the old file kept, no temp file left', async () => {
    const script = `
      const { writeFileAtomic } = await import('${DIST}files/atomic-file.js');
      const { readdirSync, readFileSync } = await import('node:fs');
      try {
        writeFileAtomic(process.env.DISK + '/report.json', 'x'.repeat(200_000));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, message: error.message, files: readdirSync(process.env.DISK).sort(), old: readFileSync(process.env.DISK + '/report.json', 'utf8') }));
      }
    `;
    const r = await onSmallDisk("printf 'the old report' > report.json", ['node', '--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      code: 'LAB_WRITE_FAILED',
      message: `${r.disk}/report.json could not be written: the disk is full. Fix: make room on that disk (or write elsewhere with --out), then run again.`,
      files: ['report.json'],
      old: 'the old report',
    });
  });

  it('lab report on a full disk: one line naming report.html, exit 3, no stack', async () => {
    const report = JSON.stringify(aReport([aRichFailure()]));
    const r = await onSmallDisk(`printf '%s' "$REPORT" > report.json && ${FILL}`, ['node', LAB, 'report', '.'], { REPORT: report });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe(
      `lab: report.html could not be written: the disk is full. Fix: make room on that disk (or write elsewhere with --out), then run again.`,
    );
  });

  it('lab merge into a full disk: exit 3, naming the file it could not write', async () => {
    const report = JSON.stringify(aReport([aRichFailure()]));
    const r = await onSmallDisk(`mkdir shard && printf '%s' "$REPORT" > shard/report.json && ${FILL}`, ['node', LAB, 'merge', 'shard', '--out', 'merged'], {
      REPORT: report,
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^lab: ${r.disk}/merged/\\S+ could not be written: the disk is full\\. Fix: `));
  });
});
