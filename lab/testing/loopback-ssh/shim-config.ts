/**
 * TEST INFRASTRUCTURE. The loopback SSH server's side of the tests: a real OpenSSH server (sshd) whose
 * ForceCommand is guest-shim.ts, which plays a Windows machine by running the Windows programs under Wine,
 * and (for `powershell -EncodedCommand`) a Hyper-V host double. Nothing here is Windows or Hyper-V.
 *
 * The files of this folder run in the shim server (shim-server.ts, one process per loopback server),
 * transpiled to JavaScript by loopback-sshd.ts, so they import only node built-ins and each other (plus the
 * self-contained parsers they name).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ShimConfig {
  /** The emulated machine's Wine prefix; its drive_c is the machine's C:\. */
  prefix: string;
  driveC: string;
  /** The shim's own bookkeeping: DbgView, the event log, sessions, calls, the Hyper-V double. */
  stateDir: string;
  /** The skeleton SFTP sessions are chrooted into (C: is bound to drive_c there). */
  sftpRoot: string;
  sftpServer: string;
  asRoot: boolean;
  /** What `bcdedit` reports. */
  testSigning: boolean;
  windowsVersion: string;
}

export function readConfig(path: string): ShimConfig {
  return JSON.parse(readFileSync(path, 'utf8')) as ShimConfig;
}

export const statePaths = (config: ShimConfig) => ({
  calls: join(config.stateDir, 'calls.jsonl'),
  events: join(config.stateDir, 'events.json'),
  dbgview: join(config.stateDir, 'dbgview.json'),
  sessions: join(config.stateDir, 'sessions'),
  verifier: join(config.stateDir, 'verifier.jsonl'),
  hyperv: join(config.stateDir, 'hyperv.json'),
});

/** One command the shim received, as the tests read it back. */
export interface ShimCall {
  time: string;
  kind: 'exec' | 'sftp' | 'powershell';
  line: string;
  argv?: string[][];
  script?: string;
  /** The names of the shim's environment variables (the SSH session's). */
  env?: string[];
}

/** The Wine environment of the emulated machine (the same channels lab's Wine target uses), over a session's. */
export function shimWineEnv(config: ShimConfig, sessionEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...sessionEnv,
    WINEPREFIX: config.prefix,
    WINEDEBUG: '-all,warn+debugstr,+pid',
    WINEDLLOVERRIDES: 'winemenubuilder.exe=d;mshtml=d;mscoree=d',
    WINEARCH: 'win64',
    DISPLAY: '',
  };
}

/** `C:\a\b` → the file in the prefix (drive C only, like lab's own prefixes). */
export function hostPath(config: ShimConfig, windowsPath: string): string | undefined {
  const m = /^[cC]:[\\/]?(.*)$/s.exec(windowsPath);
  if (!m) return undefined;
  const parts = (m[1] ?? '').split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..')) return undefined;
  return join(config.driveC, ...parts);
}
