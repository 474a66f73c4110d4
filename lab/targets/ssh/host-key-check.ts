import { fingerprintOf, keyTypeOf } from './host-key-fingerprint.js';
import { parseKnownHosts, readKnownHosts, recordKnownHost } from './known-hosts.js';
import type { HostKeyPolicy } from './ssh-endpoint.js';

/** What the host-key check decided, kept so a refusal can be explained after ssh2 reports it. */
export type HostKeyVerdict =
  | { kind: 'trusted'; fingerprint: string; keyType: string; how: 'fingerprint' | 'known-hosts' }
  | { kind: 'trusted-first-use'; fingerprint: string; keyType: string; file: string }
  | { kind: 'changed'; fingerprint: string; keyType: string; expected: string[]; where: string }
  | { kind: 'revoked'; fingerprint: string; where: string }
  | { kind: 'unknown'; fingerprint: string; keyType: string; file: string };

/**
 * The host-key check for one connection attempt. known_hosts is read before the connection starts, so
 * ssh2's verifier can answer synchronously; a key trusted on first use is recorded only after the login
 * succeeded (`commit`), so a host that turns out to be the wrong one leaves no trace.
 */
export class HostKeyCheck {
  verdict?: HostKeyVerdict;
  private known: ReturnType<typeof parseKnownHosts> = [];
  private pending?: { keyType: string; key: Buffer };

  constructor(
    private readonly policy: HostKeyPolicy,
    private readonly host: string,
    private readonly port: number,
  ) {}

  async load(): Promise<void> {
    if (this.policy.kind === 'known-hosts') this.known = parseKnownHosts(await readKnownHosts(this.policy.file), this.host, this.port);
  }

  /** Key types known for this host, to steer key exchange towards a key lab can check. */
  knownKeyTypes(): string[] {
    return [...new Set(this.known.filter((k) => !k.revoked).map((k) => k.keyType))];
  }

  verify(key: Buffer): boolean {
    const fingerprint = fingerprintOf(key);
    const keyType = keyTypeOf(key);
    const policy = this.policy;
    if (policy.kind === 'fingerprint') {
      const ok = policy.fingerprints.includes(fingerprint);
      this.verdict = ok
        ? { kind: 'trusted', fingerprint, keyType, how: 'fingerprint' }
        : { kind: 'changed', fingerprint, keyType, expected: policy.fingerprints, where: 'the pinned hostKey.fingerprint' };
      return ok;
    }
    const revoked = this.known.find((k) => k.revoked && k.key.equals(key));
    if (revoked) {
      this.verdict = { kind: 'revoked', fingerprint, where: `${policy.file}:${revoked.line}` };
      return false;
    }
    if (this.known.some((k) => !k.revoked && k.key.equals(key))) {
      this.verdict = { kind: 'trusted', fingerprint, keyType, how: 'known-hosts' };
      return true;
    }
    const listed = this.known.filter((k) => !k.revoked);
    if (listed.length > 0) {
      this.verdict = {
        kind: 'changed',
        fingerprint,
        keyType,
        expected: listed.map((k) => `${k.keyType} ${fingerprintOf(k.key)}`),
        where: `${policy.file}:${listed.map((k) => k.line).join(',')}`,
      };
      return false;
    }
    if (policy.trustOnFirstUse) {
      this.pending = { keyType, key };
      this.verdict = { kind: 'trusted-first-use', fingerprint, keyType, file: policy.file };
      return true;
    }
    this.verdict = { kind: 'unknown', fingerprint, keyType, file: policy.file };
    return false;
  }

  /** After a successful login: records a key trusted on first use. */
  async commit(): Promise<void> {
    if (!this.pending || this.policy.kind !== 'known-hosts') return;
    await recordKnownHost(this.policy.file, this.host, this.port, this.pending.keyType, this.pending.key);
    this.known = parseKnownHosts(await readKnownHosts(this.policy.file), this.host, this.port);
    this.pending = undefined;
  }
}
