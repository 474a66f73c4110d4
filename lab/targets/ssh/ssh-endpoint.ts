/**
 * Everything lab needs to reach one machine over SSH, resolved from the inventory: paths made absolute,
 * defaults filled in. Credentials appear only as the names of environment variables (and a key file's
 * path); their values are read when a connection is made and never stored or printed.
 */
export interface SshEndpoint {
  /** Where this endpoint is described, for messages: e.g. `infra/targets.yaml: targets.win11`. */
  label: string;
  host: string;
  port: number;
  user: string;
  hostKey: HostKeyPolicy;
  auth: SshAuthSettings;
  timeouts: SshTimeouts;
  reconnect: { attempts: number; delayMs: number };
}

export type HostKeyPolicy =
  /** Pinned `SHA256:...` fingerprints (OpenSSH's format); any one may match. */
  | { kind: 'fingerprint'; fingerprints: string[] }
  /** An OpenSSH known_hosts file; an unknown host is refused unless trustOnFirstUse records its key. */
  | { kind: 'known-hosts'; file: string; trustOnFirstUse: boolean };

export interface SshAuthSettings {
  /** Use the SSH agent at SSH_AUTH_SOCK. */
  agent: boolean;
  keyFile?: string;
  /** Environment variable holding the key file's passphrase. */
  passphraseEnv?: string;
  /** Environment variable holding the password. */
  passwordEnv?: string;
}

export interface SshTimeouts {
  /** TCP connect, key exchange and authentication. */
  connectMs: number;
  /** One command (not the guest runner's session, which has per-case timeouts). */
  commandMs: number;
  /** Keepalive probes; the connection counts as lost after keepaliveCountMax unanswered ones. */
  keepaliveMs: number;
  keepaliveCountMax: number;
}

export const DEFAULT_TIMEOUTS: SshTimeouts = { connectMs: 15_000, commandMs: 120_000, keepaliveMs: 5_000, keepaliveCountMax: 3 };
export const DEFAULT_RECONNECT = { attempts: 5, delayMs: 2_000 };

/** `user@host:port`, for messages. */
export function endpointText(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'user'>): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}
