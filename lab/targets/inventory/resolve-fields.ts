import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_GUEST_DIR, type GuestSettings } from '../ssh/guest-settings.js';
import { DEFAULT_RECONNECT, DEFAULT_TIMEOUTS, type HostKeyPolicy, type SshEndpoint } from '../ssh/ssh-endpoint.js';
import { checkWindowsPath } from '../ssh/windows-path.js';

type Dir = { dir: string };
type RawConnection = {
  port?: number | undefined;
  user: string;
  hostKey?: { fingerprint?: string | string[] | undefined; knownHosts?: string | undefined; trustOnFirstUse?: boolean | undefined } | undefined;
  auth: { agent?: boolean | undefined; keyFile?: string | undefined; passphraseEnv?: string | undefined; passwordEnv?: string | undefined };
  timeouts?: Record<string, number | undefined> | undefined;
  reconnect?: Record<string, number | undefined> | undefined;
};

/** An SSH connection from the inventory, with defaults, key files found from the inventory's folder. */
export function endpointOf(inventory: Dir, label: string, host: string, c: RawConnection): SshEndpoint {
  const fp = c.hostKey?.fingerprint;
  const hostKey: HostKeyPolicy = fp
    ? { kind: 'fingerprint', fingerprints: (Array.isArray(fp) ? fp : [fp]).map((f) => f.replace(/=$/, '')) }
    : { kind: 'known-hosts', file: localPath(inventory, c.hostKey?.knownHosts ?? '~/.ssh/known_hosts'), trustOnFirstUse: c.hostKey?.trustOnFirstUse ?? false };
  return {
    label,
    host,
    port: c.port ?? 22,
    user: c.user,
    hostKey,
    auth: {
      agent: c.auth.agent ?? false,
      ...(c.auth.keyFile ? { keyFile: localPath(inventory, c.auth.keyFile) } : {}),
      ...(c.auth.passphraseEnv ? { passphraseEnv: c.auth.passphraseEnv } : {}),
      ...(c.auth.passwordEnv ? { passwordEnv: c.auth.passwordEnv } : {}),
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...stripUndefined(c.timeouts ?? {}) },
    reconnect: { ...DEFAULT_RECONNECT, ...stripUndefined(c.reconnect ?? {}) },
  };
}

export function guestOf(g: { guestDir?: string | undefined; dbgview?: string | undefined; cleanPaths?: string[] | undefined }): GuestSettings {
  return {
    guestDir: checkWindowsPath(g.guestDir ?? DEFAULT_GUEST_DIR),
    ...(g.dbgview ? { dbgview: checkWindowsPath(g.dbgview) } : {}),
    cleanPaths: (g.cleanPaths ?? []).map(checkWindowsPath),
  };
}

/** `~/x` from the home folder; other relative paths from the inventory's folder. */
export function localPath(inventory: Dir, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(inventory.dir, path);
}

function stripUndefined<T extends object>(value: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
