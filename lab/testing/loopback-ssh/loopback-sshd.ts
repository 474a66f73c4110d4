/**
 * TEST INFRASTRUCTURE: a real OpenSSH server (Debian's /usr/sbin/sshd) on 127.0.0.1, started for a test
 * file with throwaway keys generated into a temporary folder, running as the current user. Its
 * ForceCommand (shim-client.c, compiled here) hands every command to one long-lived shim server
 * (shim-server.ts, guest-shim.ts): the "Windows machine" behind it is a Wine prefix cloned from lab's
 * cached template, and `powershell -EncodedCommand` reaches a Hyper-V host DOUBLE. lab's SSH code talks to
 * it exactly as it would talk to Windows: real ssh2, real host-key checks, real SFTP.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { stringify } from 'yaml';
import { fingerprintOf } from '../../targets/ssh/host-key-fingerprint.js';
import { labCacheDir } from '../../targets/wine/cache-dir.js';
import { copyPrefix } from '../../targets/wine/copied-prefix.js';
import { ensureTemplate } from '../../targets/wine/prefix-template.js';
import { wineEnv } from '../../targets/wine/wine-env.js';
import { tempDir } from '../temp-dir.js';
import type { BugcheckRecord } from './event-log.js';
import type { DoubleState, DoubleVm } from './hyperv-host-double.js';
import { descendants, isAlive, killAll, prefixProcesses } from './process-tree.js';
import { statePaths, type ShimCall, type ShimConfig } from './shim-config.js';

const LAB = join(import.meta.dirname, '..', '..');
/** The shim server and what it imports, transpiled to JavaScript (node runs no TypeScript). */
const SHIM_SOURCES = [
  'testing/loopback-ssh/shim-server.ts',
  'testing/loopback-ssh/shim-session.ts',
  'testing/loopback-ssh/guest-shim.ts',
  'testing/loopback-ssh/shim-config.ts',
  'testing/loopback-ssh/windows-guest.ts',
  'testing/loopback-ssh/sftp-chroot.ts',
  'testing/loopback-ssh/dbgview-double.ts',
  'testing/loopback-ssh/event-log.ts',
  'testing/loopback-ssh/hyperv-host-double.ts',
  'testing/loopback-ssh/process-tree.ts',
  'testing/windows-shell/cmd-parser.ts',
  'testing/windows-shell/argv-parser.ts',
  'logs/wine-debug-parser.ts',
];
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

export interface LoopbackServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** The server's host key, `ssh-ed25519 AAAA...`, and its SHA256 fingerprint. */
  hostPublicKey: string;
  hostKeyFingerprint: string;
  /** The client key lab logs in with (its public half is the only authorized key). */
  userKeyFile: string;
  dir: string;
  config: ShimConfig;
  /** An inventory `ssh` entry (or a guest/host connection block) for this server. */
  connection(overrides?: Record<string, unknown>): Record<string, unknown>;
  writeInventory(inventory: Record<string, unknown>): Promise<string>;
  calls(): Promise<ShimCall[]>;
  events(): Promise<BugcheckRecord[]>;
  /** Makes the Hyper-V host double play these VMs (its state; read it back with `double()`). */
  playHyperv(vms: Array<Partial<DoubleVm> & { name: string }>): Promise<void>;
  double(): Promise<DoubleState>;
  updateDouble(change: (state: DoubleState) => void): Promise<void>;
  /** Makes the DbgView double's log trail the guest by this long from the next command on (0: not at all). */
  setDbgViewLag(ms: number): Promise<void>;
  /** Drops the SSH connections of running guest-runner sessions (kills their sshd processes). */
  dropRunnerConnections(): Promise<number>;
  /** Stops the listener only: established sessions go on, new connections are refused. */
  pauseListener(): Promise<void>;
  resumeListener(): Promise<void>;
  stop(): Promise<void>;
}

export interface LoopbackOptions {
  testSigning?: boolean;
  /** Set the Debug Print Filter in the emulated machine's registry (as provisioning would). */
  debugPrintFilter?: boolean;
  /** Put a placeholder Dbgview.exe at this guest path. */
  dbgview?: string;
}

export async function startLoopbackSshd(options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const asRoot = process.getuid?.() === 0;
  // In lab's cache: the prefix is a hard-link clone of the template, which needs the same file system.
  await mkdir(labCacheDir(), { recursive: true });
  const dir = await tempDir('loopback-sshd', { under: labCacheDir() });
  const keys = join(dir, 'keys');
  await mkdir(keys, { mode: 0o700 });
  const user = userInfo().username;
  const hostKey = join(keys, 'ssh_host_ed25519_key');
  const userKeyFile = join(keys, 'lab_user_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lab-loopback-host (throwaway)', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lab-loopback-user (throwaway)', '-f', userKeyFile]);
  await writeFile(join(keys, 'authorized_keys'), await readFile(`${userKeyFile}.pub`), { mode: 0o600 });
  const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const hostKeyFingerprint = fingerprintOf(Buffer.from(hostPublicKey.split(' ')[1]!, 'base64'));

  // The emulated Windows machine.
  const prefix = join(dir, 'machine');
  // A whole copy: the shim runs Wine in it from sshd's sessions, outside any namespace of lab's.
  await copyPrefix(await ensureTemplate(), prefix);
  const stateDir = join(dir, 'state');
  await mkdir(join(stateDir, 'sessions'), { recursive: true });
  const sftpRoot = join(dir, 'sftp-root');
  for (const d of ['usr', 'etc', 'dev', 'C:']) mkdirSync(join(sftpRoot, d), { recursive: true });
  await writeFile(join(sftpRoot, 'dev', 'null'), '');
  for (const [link, to] of [
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
    ['bin', 'usr/bin'],
  ] as const)
    symlinkSync(to, join(sftpRoot, link));
  const config: ShimConfig = {
    prefix,
    driveC: join(prefix, 'drive_c'),
    stateDir,
    sftpRoot,
    sftpServer: SFTP_SERVER,
    asRoot,
    testSigning: options.testSigning ?? true,
    windowsVersion: 'Microsoft Windows [Version 10.0.19045.0] (lab loopback shim: Wine)',
  };
  const configFile = join(dir, 'shim-config.json');
  await writeFile(configFile, JSON.stringify(config, null, 1));
  if (options.debugPrintFilter) {
    const env = { ...process.env, ...wineEnv(prefix) };
    execFileSync(
      'wine',
      [
        'reg',
        'add',
        'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Debug Print Filter',
        '/v',
        'DEFAULT',
        '/t',
        'REG_DWORD',
        '/d',
        '0xffffffff',
        '/f',
      ],
      { env, stdio: 'ignore', timeout: 60_000 },
    );
    // wineserver writes the registry to disk when it exits by itself; a kill would lose the value.
    execFileSync('wineserver', ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
  }
  if (options.dbgview) {
    const local = join(config.driveC, ...options.dbgview.slice(3).split('\\'));
    await mkdir(dirname(local), { recursive: true });
    await writeFile(local, 'MZ (placeholder: the loopback shim plays DbgView)');
  }

  const shim = await startShim(join(dir, 'shim'), configFile);
  const port = await freePort();
  const sshdConfig = join(dir, 'sshd_config');
  await writeFile(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(keys, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'PrintMotd no',
      'MaxStartups 100',
      'MaxSessions 100',
      'LogLevel ERROR',
      // Whatever variables a client sends are let through, so the tests see any lab would send.
      'AcceptEnv *',
      `Subsystem sftp ${SFTP_SERVER}`,
      `ForceCommand ${shim.client} ${shim.socket}`,
      // sshd runs the ForceCommand through the user's shell; bash, seeing itself started by sshd at shell
      // level 1, reads the user's ~/.bashrc first (here: a version manager's init, about 0.2 s per
      // command). A Windows machine's cmd.exe reads nothing of the kind: level 2 skips it.
      // TMPDIR: the test run's, so what Wine leaves in it behind this server goes with the run.
      `SetEnv SHLVL=1 "TMPDIR=${tmpdir()}"`,
      '',
    ].join('\n'),
  );
  if (asRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync('/usr/sbin/sshd', ['-t', '-f', sshdConfig]);

  let sshd: ChildProcess | undefined;
  const orphans: number[] = [];
  let stderr = '';
  const listen = async () => {
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await waitForPort(port, () => stderr);
  };
  await listen();

  const server: LoopbackServer = {
    host: '127.0.0.1',
    port,
    user,
    hostPublicKey,
    hostKeyFingerprint,
    userKeyFile,
    dir,
    config,
    connection: (overrides = {}) => ({
      port,
      user,
      hostKey: { fingerprint: hostKeyFingerprint },
      auth: { keyFile: userKeyFile },
      reconnect: { attempts: 3, delayMs: 300 },
      ...overrides,
    }),
    async writeInventory(inventory) {
      const file = join(dir, `targets-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.yaml`);
      await writeFile(file, stringify({ version: 1, ...inventory }));
      return file;
    },
    async calls() {
      const text = await readFile(statePaths(config).calls, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ShimCall);
    },
    async events() {
      return JSON.parse(await readFile(statePaths(config).events, 'utf8').catch(() => '[]')) as BugcheckRecord[];
    },
    async playHyperv(vms) {
      const state: DoubleState = {
        vms: vms.map((vm, i) => ({
          id: `0000000${i}-1ab0-4000-8000-00000000000${i}`,
          checkpoints: ['lab-clean'],
          state: 'Off',
          heartbeatAfterPolls: 3,
          polls: 0,
          ip: '127.0.0.1',
          generation: 2,
          secureBoot: 'Off',
          checkpointType: 'Standard',
          resetPaths: ['C:\\lab', 'C:\\objdev.log', 'C:\\windows\\MEMORY.DMP'],
          checkpointEvents: 0,
          ...vm,
        })),
        workerEvents: [],
        ops: [],
      };
      await writeFile(statePaths(config).hyperv, JSON.stringify(state, null, 1));
    },
    async double() {
      return JSON.parse(await readFile(statePaths(config).hyperv, 'utf8')) as DoubleState;
    },
    async updateDouble(change) {
      const state = await server.double();
      change(state);
      await writeFile(statePaths(config).hyperv, JSON.stringify(state, null, 1));
    },
    async setDbgViewLag(ms) {
      // Every command of the shim reads the configuration anew.
      config.dbgviewLagMs = ms;
      await writeFile(configFile, JSON.stringify(config, null, 1));
    },
    async dropRunnerConnections() {
      const dirPath = statePaths(config).sessions;
      let dropped = 0;
      for (const f of await readdir(dirPath)) {
        const pid = Number(f.replace(/\.json$/, ''));
        const info = JSON.parse(await readFile(join(dirPath, f), 'utf8').catch(() => '{}')) as { sshd?: number[] };
        // A record whose runner is gone is left from an earlier drop: its sshd pids may be reused by now.
        if (!isAlive(pid)) {
          await rm(join(dirPath, f), { force: true });
          continue;
        }
        killAll(info.sshd ?? []);
        dropped += info.sshd?.length ? 1 : 0;
      }
      return dropped;
    },
    async pauseListener() {
      // Its sessions outlive it (as on a real server); note them so stop() still ends them.
      if (sshd?.pid) orphans.push(...descendants(sshd.pid));
      sshd?.kill('SIGTERM');
      await new Promise((r) => sshd?.once('exit', r));
    },
    async resumeListener() {
      await listen();
    },
    async stop() {
      // Sessions still running (a runner, a DbgView double) are this server's children: end them by pid.
      const children = sshd?.pid ? descendants(sshd.pid) : [];
      sshd?.kill('SIGTERM');
      killAll([...children, ...orphans]);
      shim.server.kill('SIGKILL');
      killAll(prefixProcesses(prefix));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * The shim server, listening on a Unix socket in `outDir`, and the compiled client sshd runs for each
 * command. The server lives as long as the loopback server.
 */
async function startShim(outDir: string, configFile: string): Promise<{ client: string; socket: string; server: ChildProcess }> {
  const client = join(outDir, 'shim-client');
  await mkdir(outDir, { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-o', client, join(LAB, 'testing', 'loopback-ssh', 'shim-client.c')]);
  const entry = await transpileShim(outDir);
  const socket = join(outDir, 'shim.sock');
  const server = spawn(process.execPath, [entry, configFile, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`the loopback shim server exited (${code}) before it listened`)));
    server.stdout!.once('data', () => resolve());
  });
  server.removeAllListeners('exit');
  return { client, socket, server };
}

async function transpileShim(outDir: string): Promise<string> {
  for (const source of SHIM_SOURCES) {
    const text = await readFile(join(LAB, source), 'utf8');
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const out = join(outDir, source.replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, js);
  }
  await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
  return join(outDir, 'testing', 'loopback-ssh', 'shim-server.js');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the loopback sshd did not listen on ${port}: ${stderr()}`);
}
