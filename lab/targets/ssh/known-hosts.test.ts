import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostKeyCheck } from './host-key-check.js';
import { fingerprintOf, keyTypeOf } from './host-key-fingerprint.js';
import { knownHostsName, parseKnownHosts } from './known-hosts.js';
import { tempDir } from '../../testing/temp-dir.js';

const blob = (type: string, body: string) => {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
};
const KEY = blob('ssh-ed25519', 'the real key');
const OTHER = blob('ssh-ed25519', 'someone else');
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts and the host-key check', () => {
  it('matches plain, bracketed-port, wildcard and hashed host fields; skips cert authorities; reads @revoked', () => {
    const text = [
      '# comment',
      `example.org,192.0.2.1 ssh-ed25519 ${KEY.toString('base64')}`,
      `[192.0.2.1]:2222 ssh-ed25519 ${OTHER.toString('base64')}`,
      `*.lab.example ssh-ed25519 ${KEY.toString('base64')}`,
      `${hashed('[10.0.0.5]:2200')} ssh-ed25519 ${KEY.toString('base64')}`,
      `@cert-authority *.lab.example ssh-ed25519 ${OTHER.toString('base64')}`,
      `@revoked badhost ssh-ed25519 ${OTHER.toString('base64')}`,
      `!nope.lab.example,*.lab.example ssh-rsa ${OTHER.toString('base64')}`,
    ].join('\n');
    expect(parseKnownHosts(text, '192.0.2.1', 22).map((k) => k.line)).toEqual([2]);
    expect(parseKnownHosts(text, '192.0.2.1', 2222).map((k) => k.line)).toEqual([3]);
    expect(parseKnownHosts(text, 'box.lab.example', 22).map((k) => k.line)).toEqual([4, 8]);
    expect(parseKnownHosts(text, 'nope.lab.example', 22).map((k) => k.line)).toEqual([4]);
    expect(parseKnownHosts(text, '10.0.0.5', 2200).map((k) => k.line)).toEqual([5]);
    expect(parseKnownHosts(text, 'badhost', 22)).toMatchObject([{ revoked: true }]);
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
  });

  it('fingerprints like ssh-keygen -l and reads the key type from the blob', () => {
    expect(fingerprintOf(KEY)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyTypeOf(KEY)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBe('unknown');
  });

  it('decides: trusted, changed (with what was expected), revoked, unknown, or trusted on first use and recorded after login', async () => {
    const dir = await tempDir('hostkey');
    const file = join(dir, 'known_hosts');
    await writeFile(file, `[h]:2222 ssh-ed25519 ${KEY.toString('base64')}\n@revoked [bad]:2222 ssh-ed25519 ${OTHER.toString('base64')}\n`);
    const check = async (host: string, key: Buffer, tofu = false) => {
      const c = new HostKeyCheck({ kind: 'known-hosts', file, trustOnFirstUse: tofu }, host, 2222);
      await c.load();
      return { ok: c.verify(key), verdict: c.verdict, c };
    };
    expect(await check('h', KEY)).toMatchObject({ ok: true, verdict: { kind: 'trusted', how: 'known-hosts' } });
    expect(await check('h', OTHER)).toMatchObject({
      ok: false,
      verdict: { kind: 'changed', expected: [`ssh-ed25519 ${fingerprintOf(KEY)}`], where: `${file}:1` },
    });
    expect(await check('bad', OTHER)).toMatchObject({ ok: false, verdict: { kind: 'revoked' } });
    expect(await check('new', KEY)).toMatchObject({ ok: false, verdict: { kind: 'unknown', fingerprint: fingerprintOf(KEY) } });
    const tofu = await check('new', KEY, true);
    expect(tofu).toMatchObject({ ok: true, verdict: { kind: 'trusted-first-use' } });
    expect(await readFile(file, 'utf8')).not.toContain('[new]:2222');
    await tofu.c.commit();
    expect(await readFile(file, 'utf8')).toContain(`[new]:2222 ssh-ed25519 ${KEY.toString('base64')}\n`);
    expect(await check('new', OTHER, true)).toMatchObject({ ok: false, verdict: { kind: 'changed' } });

    const pinned = new HostKeyCheck({ kind: 'fingerprint', fingerprints: [fingerprintOf(KEY)] }, 'x', 22);
    expect(pinned.verify(KEY)).toBe(true);
    expect(pinned.verify(OTHER)).toBe(false);
    expect(pinned.verdict).toMatchObject({ kind: 'changed', where: 'the pinned hostKey.fingerprint' });
  });
});
