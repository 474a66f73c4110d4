/**
 * TEST INFRASTRUCTURE (loopback SSH server): plays the Windows machine behind a Windows OpenSSH server
 * whose default shell is cmd.exe. The command line lab sent is read the way cmd.exe and then the program
 * would read it (the oracles in ../windows-shell/): if cmd would have acted on an operator or expanded a
 * variable, the shim refuses loudly, because that means lab's quoting let something through. Programs under
 * C:\ run under Wine in the machine's prefix; the few Windows tools lab calls are imitated (bcdedit,
 * wevtutil, taskkill, verifier, sc for a service that does not exist) or handed to Wine's own (reg, sc).
 * A driver crash under Wine is turned into what Windows does: a bugcheck (event 1001, a dump file) and a
 * connection that drops.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseWineLine } from '../../logs/wine-debug-parser.js';
import { parseWindowsArgv } from '../windows-shell/argv-parser.js';
import { parseCmdLine } from '../windows-shell/cmd-parser.js';
import { DbgViewWriter, isDbgView, runDbgView, stopDbgView } from './dbgview-double.js';
import { addBugcheck, wevtutil } from './event-log.js';
import { guestBugchecked, runPowerShell } from './hyperv-host-double.js';
import { isAlive, killAll, killPrefix, prefixProcesses, sshdConnectionAncestors } from './process-tree.js';
import { hostPath, shimWineEnv, statePaths, type ShimConfig } from './shim-config.js';
import type { ShimSession } from './shim-session.js';

/** Variables every Windows machine has: a quoting bug that lets cmd expand one shows up. */
const GUEST_ENV = {
  PATH: 'C:\\windows\\system32;C:\\windows',
  PATHEXT: '.COM;.EXE;.BAT',
  USERNAME: 'lab',
  COMSPEC: 'C:\\windows\\system32\\cmd.exe',
  SystemRoot: 'C:\\windows',
  windir: 'C:\\windows',
  TEMP: 'C:\\users\\lab\\Temp',
  CD: 'C:\\users\\lab',
  OS: 'Windows_NT',
};

export async function runCommandLine(config: ShimConfig, session: ShimSession, line: string): Promise<number> {
  const parsed = parseCmdLine(line, GUEST_ENV);
  if (parsed.operators.length > 0 || parsed.expanded.length > 0) {
    session.stderr(
      `loopback shim: REFUSED: cmd.exe would have acted on ${[...parsed.operators, ...parsed.expanded.map((v) => `%${v}%`)].join(' ')} in: ${line}\r\n`,
    );
    return 9;
  }
  const argvs = parsed.commands.map(parseWindowsArgv);
  logCall(config, session, { kind: 'exec', line, argv: argvs });
  let code = 0;
  for (const argv of argvs) code = await runProgram(config, session, argv);
  return code;
}

export function logCall(config: ShimConfig, session: ShimSession, call: { kind: string; line: string; argv?: string[][]; script?: string }): void {
  // The names of the session's variables: the server accepts any a client sends (AcceptEnv *), so a test
  // can tell that lab sends none of its own.
  appendFileSync(statePaths(config).calls, `${JSON.stringify({ time: new Date().toISOString(), ...call, env: Object.keys(session.env).sort() })}\n`);
}

async function runProgram(config: ShimConfig, session: ShimSession, argv: string[]): Promise<number> {
  const program = argv[0] ?? '';
  const name = program
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/\.exe$/, '');
  const out = (text: string) => session.stdout(text);
  switch (name) {
    case 'ver':
      out(`\r\n${config.windowsVersion}\r\n`);
      return 0;
    case 'bcdedit':
      out(
        `\r\nWindows Boot Loader\r\n-------------------\r\nidentifier              {current}\r\ndevice                  partition=C:\r\npath                    \\WINDOWS\\system32\\winload.efi\r\ndescription             Windows 10 (lab loopback shim)\r\ntestsigning             ${config.testSigning ? 'Yes' : 'No'}\r\nnx                      OptIn\r\n`,
      );
      return 0;
    case 'wevtutil': {
      const r = wevtutil(argv, statePaths(config).events);
      out(r.stdout);
      return r.code;
    }
    case 'verifier':
      appendFileSync(statePaths(config).verifier, `${JSON.stringify(argv)}\n`);
      out('The system reboot is not required for the changes to take effect.\r\n');
      return 0;
    case 'taskkill':
      return taskkill(config, session, argv);
    case 'sc':
      return sc(config, session, argv);
    case 'reg':
      return underWine(config, session, ['reg', ...argv.slice(1)]);
    case 'powershell':
    case 'pwsh': {
      const r = await runPowerShell(config, argv);
      if (r.script) logCall(config, session, { kind: 'powershell', line: '(decoded)', script: r.script });
      out(r.stdout);
      return r.code;
    }
  }
  if (/^[a-z]:\\/i.test(program)) {
    if (isDbgView(program)) return runDbgView(config, session, argv);
    const local = hostPath(config, program);
    if (local && existsSync(local)) return runGuestProgram(config, session, argv);
  }
  session.stderr(`'${program}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`);
  return 9009;
}

/** A Windows program of the run (the guest runner) under Wine, with its debug output going to DbgView if one runs. */
async function runGuestProgram(config: ShimConfig, session: ShimSession, argv: string[]): Promise<number> {
  const sessions = statePaths(config).sessions;
  mkdirSync(sessions, { recursive: true });
  const record = join(sessions, `${session.pid}.json`);
  writeFileSync(record, JSON.stringify({ image: argv[0]!.split('\\').pop(), sshd: sshdConnectionAncestors(session.pid), started: new Date().toISOString() }));
  try {
    const writer = DbgViewWriter.forRunning(config);
    // After a simulated bugcheck the machine is down: nothing it printed later reaches DbgView's log.
    let down = false;
    const code = await underWine(config, session, argv, {
      onStderr: async (raw) => {
        if (down) return;
        const line = parseWineLine(raw);
        if (line.kind === 'crash') {
          down = true;
          writer?.flush();
          await simulateBugcheck(config, session, line.text);
        } else writer?.wine(line);
      },
    });
    writer?.flush();
    return code;
  } finally {
    rmSync(record, { force: true });
  }
}

function underWine(config: ShimConfig, session: ShimSession, argv: string[], options: { onStderr?: (line: string) => Promise<void> } = {}): Promise<number> {
  const child = spawn('wine', argv, { env: shimWineEnv(config, session.env), cwd: config.driveC, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => session.stdout(chunk));
  // The pipe may close before the process is reaped: note it now rather than wait for an event that came.
  const stdoutClosed = new Promise((r) => child.stdout.once('close', r));
  let partial = '';
  let chain = Promise.resolve();
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) chain = chain.then(() => options.onStderr?.(line.replace(/\r$/, '')));
  });
  return new Promise((resolve) => {
    child.on('exit', async (code) => {
      // Windows would keep no Wine services around: end the prefix's processes now, not after Wine's
      // own slow shutdown, and only then is the output complete.
      await killPrefix(config.prefix);
      await Promise.race([stdoutClosed, new Promise((r) => setTimeout(r, 1000))]);
      await chain;
      resolve(code ?? 1);
    });
    child.on('error', () => resolve(9009));
  });
}

/**
 * What Windows does when a driver faults: the machine stops (every process, DbgView too, the SSH
 * connection with it), writes a dump, and after the reboot logs event 1001 naming the stop code and dump.
 */
async function simulateBugcheck(config: ShimConfig, session: ShimSession, crash: string): Promise<void> {
  const fault = /at address ([0-9a-fA-F]+)/.exec(crash)?.[1] ?? '0';
  const target = /access to ([0-9a-fA-F]+)/.exec(crash)?.[1] ?? '0';
  const hex = (v: string) => `0x${BigInt(`0x${v}`).toString(16).padStart(16, '0')}`;
  const codes = ['0x00000050', hex(target), /write access/.test(crash) ? '0x0000000000000002' : '0x0000000000000000', hex(fault), '0x0000000000000002'];
  const dump = 'C:\\windows\\MEMORY.DMP';
  const local = hostPath(config, dump)!;
  mkdirSync(dirname(local), { recursive: true });
  writeFileSync(local, `PAGEDU64 lab loopback shim: a simulated bugcheck's dump\n${crash}\n`);
  addBugcheck(statePaths(config).events, `${codes[0]} (${codes.slice(1).join(', ')})`, dump);
  guestBugchecked(
    config,
    codes.map((c) =>
      c
        .replace(/^0x0+(?=[0-9a-f])/i, '0x')
        .toUpperCase()
        .replace(/^0X/, '0x'),
    ),
  );
  stopDbgView(config, readDbgViewImage(config) ?? '', true);
  killAll(prefixProcesses(config.prefix));
  // The machine is gone: its connections drop without a goodbye. What the runner printed before the fault
  // had left the machine already (it is the client's to write, as it was sshd's on a real one).
  await session.flush();
  killAll(sshdConnectionAncestors(session.pid));
  session.drop();
}

function readDbgViewImage(config: ShimConfig): string | undefined {
  try {
    return (JSON.parse(readFileSync(statePaths(config).dbgview, 'utf8')) as { image: string }).image;
  } catch {
    return undefined;
  }
}

/** `taskkill [/F] [/T] /IM name`: the DbgView double by its pid, the guest runner by ending the prefix's processes. */
async function taskkill(config: ShimConfig, session: ShimSession, argv: string[]): Promise<number> {
  const flags = argv.slice(1).map((a) => a.toUpperCase());
  const image = argv[flags.indexOf('/IM') + 2];
  if (!flags.includes('/IM') || !image) {
    session.stderr('ERROR: Invalid syntax.\r\n');
    return 1;
  }
  if (stopDbgView(config, image, flags.includes('/F'))) {
    session.stdout(`SUCCESS: Sent termination signal to the process "${image}".\r\n`);
    return 0;
  }
  const dir = statePaths(config).sessions;
  const running = existsSync(dir)
    ? readdirSync(dir).filter((f) => {
        const pid = Number(f.replace('.json', ''));
        const info = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { image: string };
        return isAlive(pid) && info.image.toLowerCase() === image.toLowerCase();
      })
    : [];
  if (running.length === 0) {
    session.stderr(`ERROR: The process "${image}" not found.\r\n`);
    return 128;
  }
  await killPrefix(config.prefix);
  session.stdout(`SUCCESS: The process "${image}" has been terminated.\r\n`);
  return 0;
}

/** `sc.exe stop|delete|query <name>`: a service that is not in the registry answers 1060 at once; others go to Wine's sc. */
async function sc(config: ShimConfig, session: ShimSession, argv: string[]): Promise<number> {
  const service = argv[2];
  if (service && prefixProcesses(config.prefix).length === 0) {
    const registry = readFileSync(join(config.prefix, 'system.reg'), 'latin1').toLowerCase();
    if (!registry.includes(`[system\\\\currentcontrolset\\\\services\\\\${service.toLowerCase()}]`)) {
      session.stdout(`[SC] OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n`);
      return 1060;
    }
  }
  return underWine(config, session, ['sc.exe', ...argv.slice(1)]);
}
