import { chmod, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../errors/lab-error.js';
import { LocalHypervHost } from './local-hyperv-host.js';
import { restoreCheckpointScript } from './scripts/restore-checkpoint-script.js';
import { tempDir } from '../../testing/temp-dir.js';

/**
 * lab on the Hyper-V host itself: PowerShell started directly. There is no PowerShell here, so a stand-in
 * `powershell` on PATH checks the arguments lab passes and answers like lab's scripts do.
 */
describe('LocalHypervHost (with a stand-in powershell, not PowerShell)', () => {
  let path: string | undefined;
  beforeAll(async () => {
    const dir = await tempDir('fake-ps');
    await writeFile(
      join(dir, 'powershell'),
      `#!${process.execPath}
const argv = process.argv.slice(2);
if (argv.length !== 4 || argv[0] !== '-NoProfile' || argv[1] !== '-NonInteractive' || argv[2] !== '-EncodedCommand') { console.log(JSON.stringify({ ok: false, error: 'bad arguments ' + JSON.stringify(argv) })); process.exit(1); }
const script = Buffer.from(argv[3], 'base64').toString('utf16le');
if (script.includes('fail-me')) { console.log(JSON.stringify({ ok: false, error: "expected one VM named 'fail-me' on this host, found 0" })); process.exit(1); }
console.log(JSON.stringify({ ok: true, hostTime: '2024-05-01T10:00:00.000Z', script }));
`,
    );
    await chmod(join(dir, 'powershell'), 0o755);
    path = process.env.PATH;
    process.env.PATH = `${dir}${delimiter}${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  it('passes the script as -EncodedCommand, unchanged, and returns its JSON answer', async () => {
    const host = new LocalHypervHost('here', 'powershell');
    const script = restoreCheckpointScript("lab 'x' & y", 'lab-clean');
    const answer = await host.run<{ script: string; hostTime: string }>(script, 'restoring');
    expect(answer.script).toBe(script.text);
    expect(answer.hostTime).toBe('2024-05-01T10:00:00.000Z');
  });

  it('turns a failed script into one message naming the host and the step', async () => {
    const host = new LocalHypervHost('here', 'powershell');
    const error = await host
      .run(restoreCheckpointScript('fail-me', 'lab-clean'), "restoring checkpoint 'lab-clean' of VM 'fail-me'")
      .catch((e: HarnessError) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).message).toMatch(
      /^Hyper-V host here \(this machine\): restoring checkpoint 'lab-clean' of VM 'fail-me' failed: expected one VM named 'fail-me' on this host, found 0\. Fix: run `lab doctor/,
    );
  });

  it('says plainly when there is no PowerShell to start (lab is not on a Hyper-V host)', async () => {
    const host = new LocalHypervHost('here', 'pwsh');
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(host.run(restoreCheckpointScript('x', 'lab-clean'), 'restoring')).rejects.toThrow(
        /^Hyper-V host here \(this machine\): pwsh could not be started \(ENOENT\)\. Fix: `local: true` is for lab running on the Hyper-V host itself/,
      );
    } finally {
      process.env.PATH = saved;
    }
  });
});
