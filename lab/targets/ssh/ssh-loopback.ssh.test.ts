import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSshd, type LoopbackServer } from '../../testing/loopback-ssh/loopback-sshd.js';
import { loadInventory, resolveTarget } from '../inventory/load-inventory.js';
import type { SshSpec } from '../inventory/target-spec.js';
import { HarnessError, UsageError } from '../../errors/lab-error.js';
import { cmdCommandLine } from './cmd-command-line.js';
import { RemoteFiles } from './remote-files.js';
import { sshChecks } from './ssh-checks.js';
import { SshLink } from './ssh-link.js';
import { tempDir } from '../../testing/temp-dir.js';

/** The error a promise was expected to reject with. */
const refusal = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: Error) => e,
  );

/** The SSH connection layer against a real OpenSSH server on 127.0.0.1 (throwaway keys, a Wine guest). */
describe('SSH to the loopback server', () => {
  let server: LoopbackServer;
  const specFor = async (entry: Record<string, unknown>): Promise<SshSpec> => {
    const file = await server.writeInventory({ targets: { box: { kind: 'ssh', host: '127.0.0.1', ...entry } } });
    return resolveTarget(await loadInventory(file), 'box') as SshSpec;
  };

  beforeAll(async () => {
    server = await startLoopbackSshd();
  }, 120_000);
  afterAll(async () => server?.stop());

  it('logs in with a key file, runs a command and moves files over SFTP to Windows paths', async () => {
    const spec = await specFor(server.connection());
    const link = new SshLink(spec.endpoint);
    try {
      const ver = await link.run('ver');
      expect(ver.exitCode).toBe(0);
      expect(ver.stdout).toMatch(/Microsoft Windows/);
      const files = new RemoteFiles(await (await link.connection()).sftp());
      const local = join(await tempDir('sftp'), 'x.bin');
      await writeFile(local, Buffer.from([0, 1, 2, 255]));
      await files.put(local, 'C:\\lab\\sub dir\\x.bin');
      expect(await readFile(join(server.config.driveC, 'lab', 'sub dir', 'x.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(await files.read('C:\\lab\\sub dir\\x.bin', 1, 3)).toEqual(Buffer.from([1, 2]));
      expect(await files.read('C:\\lab\\missing.bin')).toBeUndefined();
      await files.remove('C:\\lab');
      expect(await files.stat('C:\\lab')).toBeUndefined();
    } finally {
      await link.close();
    }
  }, 60_000);

  it('refuses a host whose key differs from the pinned fingerprint, and says what it saw and how to fix it', async () => {
    const wrong = `SHA256:${'x'.repeat(43)}`;
    const link = new SshLink((await specFor(server.connection({ hostKey: { fingerprint: wrong } }))).endpoint);
    const error = await refusal(link.connection());
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('LAB_SSH_HOST_KEY_MISMATCH');
    expect((error as HarnessError).exitCode).toBe(3);
    expect((error as Error).message).toContain(`root@127.0.0.1:${server.port}`.replace('root', server.user));
    expect((error as Error).message).toContain(`the host key is ssh-ed25519 ${server.hostKeyFingerprint}, but the pinned hostKey.fingerprint expects ${wrong}`);
  });

  it('refuses a host whose key differs from its known_hosts entry', async () => {
    const dir = await tempDir('kh');
    const knownHosts = join(dir, 'known_hosts');
    // Another machine's key under this host's name: what a man in the middle looks like.
    await writeFile(knownHosts, `[127.0.0.1]:${server.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    const link = new SshLink((await specFor(server.connection({ hostKey: { knownHosts } }))).endpoint);
    const error = await refusal(link.connection());
    expect((error as HarnessError).code).toBe('LAB_SSH_HOST_KEY_MISMATCH');
    expect(error.message).toContain(`${knownHosts}:1 expects ssh-ed25519 SHA256:`);
    expect(error.message).toMatch(/Someone may be intercepting the connection/);
  });

  it('refuses an unknown host unless trustOnFirstUse is set; then records the key and trusts only that key', async () => {
    const knownHosts = join(await tempDir('kh'), 'known_hosts');
    const strict = new SshLink((await specFor(server.connection({ hostKey: { knownHosts } }))).endpoint);
    const refused = await refusal(strict.connection());
    expect((refused as HarnessError).code).toBe('LAB_SSH_HOST_KEY_UNKNOWN');
    expect(refused.message).toContain(`the host key ssh-ed25519 ${server.hostKeyFingerprint} is not in ${knownHosts}`);
    expect(refused.message).toMatch(/pin it as hostKey\.fingerprint, or set hostKey\.trustOnFirstUse: true/);
    await expect(readFile(knownHosts, 'utf8')).rejects.toThrow();

    const progress: string[] = [];
    const tofu = new SshLink((await specFor(server.connection({ hostKey: { knownHosts, trustOnFirstUse: true } }))).endpoint, (l) => progress.push(l));
    await tofu.connection();
    await tofu.close();
    expect(await readFile(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`);
    expect(progress.join('\n')).toMatch(/trusted the new host key ssh-ed25519 SHA256:.* on first use and recorded it in/);
    // Recorded: the strict entry now connects, and only because the key matches.
    await (await strict.connection()).close();
  });

  it('names the endpoint and the fix when nothing listens, when the login is refused, and when a credential variable is unset', async () => {
    const closed = new SshLink((await specFor(server.connection({ port: 1 }))).endpoint);
    const refused = await refusal(closed.connection());
    expect((refused as HarnessError).code).toBe('LAB_SSH_UNREACHABLE');
    expect(refused.message).toMatch(/127\.0\.0\.1:1 \(.*targets\.box\): connection refused: nothing listens on port 1\. Fix: check host and port/);

    const otherKey = join(await tempDir('key'), 'id');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const denied = await refusal(new SshLink((await specFor(server.connection({ auth: { keyFile: otherKey } }))).endpoint).connection());
    expect((denied as HarnessError).code).toBe('LAB_SSH_AUTH');
    expect(denied.message).toMatch(new RegExp(`login refused for user ${server.user} with key ${otherKey}`));

    const unset = await refusal(new SshLink((await specFor(server.connection({ auth: { passwordEnv: 'LAB_TEST_UNSET_PASSWORD' } }))).endpoint).connection());
    expect(unset).toBeInstanceOf(UsageError);
    expect(unset.message).toMatch(/auth\.passwordEnv names LAB_TEST_UNSET_PASSWORD, which is not set\. Fix: export LAB_TEST_UNSET_PASSWORD/);
  });

  it('sends hostile arguments through cmd.exe quoting intact: the guest sees exactly them, and no operator', async () => {
    const link = new SshLink((await specFor(server.connection())).endpoint);
    const hostile = ['a & calc.exe', '%PATH%', '%PATH:~0,3%', '"quoted" ^caret^', '$(whoami) `id`', 'x|y>z<w', '!USERNAME!', "it's (here)"];
    const result = await link.run(cmdCommandLine(['verifier', ...hostile]));
    await link.close();
    expect(result.stderr).not.toMatch(/REFUSED/);
    expect(result.exitCode).toBe(0);
    const verifier = (await readFile(join(server.config.stateDir, 'verifier.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(verifier.at(-1)).toEqual(['verifier', ...hostile]);
  });

  it('the guest side would notice a line that is not quoted (so the pass above means something)', async () => {
    const link = new SshLink((await specFor(server.connection())).endpoint);
    const expanded = await link.run('verifier "%PATH%"');
    const piped = await link.run('verifier x|y');
    await link.close();
    expect(expanded.stderr).toMatch(/REFUSED: cmd\.exe would have acted on %PATH%/);
    expect(piped.stderr).toMatch(/REFUSED: cmd\.exe would have acted on \|/);
  });

  it('doctor checks say what is wrong on the machine and how to fix it (here: no Debug Print Filter, no DbgView)', async () => {
    const spec = await specFor(server.connection());
    const link = new SshLink(spec.endpoint);
    const checks = await sshChecks(link, { ...spec.guest, dbgview: 'C:\\Tools\\Dbgview.exe' }, join(import.meta.dirname, '..', '..', '..', 'driver', 'build'));
    await link.close();
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['machine reachable over SSH']?.ok).toBe(true);
    expect(byName['machine test signing']).toMatchObject({ ok: true, found: 'on' });
    expect(byName['machine Debug Print Filter']).toMatchObject({ ok: false, found: 'not set (DbgPrint output is filtered)' });
    expect(byName['machine Debug Print Filter']?.fix).toMatch(
      /reg add "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Debug Print Filter" \/v DEFAULT \/t REG_DWORD \/d 0xffffffff \/f`, then reboot/,
    );
    expect(byName['machine DbgView']).toMatchObject({ ok: false, found: 'C:\\Tools\\Dbgview.exe is missing' });
  }, 60_000);

  it('doctor reports an unreachable machine as one failed line with the fix, and checks nothing else', async () => {
    const link = new SshLink((await specFor(server.connection({ port: 1 }))).endpoint);
    const checks = await sshChecks(link, { guestDir: 'C:\\lab', cleanPaths: [] }, '/nonexistent');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      ok: false,
      found: expect.stringMatching(/connection refused: nothing listens on port 1\.$/),
      fix: expect.stringMatching(/^check host and port/),
    });
  });

  it('logs in through the SSH agent at SSH_AUTH_SOCK (auth.agent), the key never read by lab', async () => {
    const { spawn, execFileSync } = await import('node:child_process');
    const socket = join(await tempDir('agent'), 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const previous = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await readFile(socket).then(
            () => true,
            (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
      execFileSync('ssh-add', [server.userKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = socket;
      const link = new SshLink((await specFor(server.connection({ auth: { agent: true } }))).endpoint);
      expect((await link.run('ver')).exitCode).toBe(0);
      await link.close();
      delete process.env.SSH_AUTH_SOCK;
      const missing = await refusal(new SshLink((await specFor(server.connection({ auth: { agent: true } }))).endpoint).connection());
      expect(missing.message).toMatch(/auth\.agent is set but SSH_AUTH_SOCK is not\. Fix: start an agent/);
    } finally {
      if (previous === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = previous;
      agent.kill();
    }
  });
});
