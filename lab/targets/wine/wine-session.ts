/**
 * One Wine session: lab-monitor.exe (driver/monitor/) starts first, makes a host it is attached to for
 * each service of the plan, then starts the guest runner with the same stdout and stderr. stderr carries,
 * in the order things happened: the runner's case markers, the monitor's lines (every DbgPrint of the
 * hosts, their faults, their end), the hosts' own Wine lines (fixme, err) and the debug channel of
 * everything else. The hosts run without Wine's debugstr channel, whose 1 KB line buffer ends a process
 * that prints a longer message; their DbgPrints reach lab in the monitor's format instead, written by the
 * hosts themselves (lab-prints.dll, under a token of their own) or, where that could not be set up, by the
 * monitor from a debug event per DbgPrint.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { LineSplitter } from '../../guest/line-splitter.js';
import { parseMarker } from '../../logs/case-markers.js';
import { PrintJoiner } from '../../logs/print-lines.js';
import { parseWineLine } from '../../logs/wine-debug-parser.js';
import type { GuestSession, SessionHooks } from '../target.js';
import { HostWatch } from './host-watch.js';
import { parseHostPrintLine, parseMonitorLine, type MonitorEvent } from './monitor-events.js';
import type { Prefix } from './prefix.js';
import { HOST_DEBUG_CHANNELS, WINE_DEBUG_CHANNELS, wineEnv } from './wine-env.js';
import { killPrefixProcesses } from './wine-reaper.js';

export interface WineSessionInput {
  prefix: Prefix;
  /** The guest runner's command line (guest paths). */
  argv: string[];
  hooks: SessionHooks;
  /** Services the plan loads; each gets a watched host. */
  services: string[];
  /** Guest paths of lab-monitor.exe, lab-anchor.sys and lab-prints.dll. */
  monitor: string;
  anchor: string;
  prints: string;
}

/** Prefix of the load-order groups the monitor anchors (the runner puts service S into GROUP_PREFIX + S). */
export const GROUP_PREFIX = 'lab-host:';
/** A debug-stream line (DbgPrint, a Wine message) is held up to this; a longer one is cut and marked. */
const MAX_DEBUG_LINE_CHARS = 1024 * 1024;

export interface WineSession extends GuestSession {
  readonly watch: HostWatch;
}

export function startWineSession(input: WineSessionInput): WineSession {
  const { hooks } = input;
  const prefix = input.prefix.path;
  const token = randomBytes(8).toString('hex');
  const printToken = randomBytes(8).toString('hex');
  const watch = new HostWatch();
  const prints = new PrintJoiner();
  const argv = [
    input.monitor,
    '--token',
    token,
    '--anchor',
    input.anchor,
    '--prints',
    input.prints,
    '--print-token',
    printToken,
    '--group-prefix',
    GROUP_PREFIX,
    ...input.services.flatMap((s) => ['--service', s]),
    '--runner-debug',
    WINE_DEBUG_CHANNELS,
    '--',
    ...input.argv,
  ];
  const { file, args } = input.prefix.command('wine', argv, join(prefix, 'drive_c'));
  // The first process of the session sets what Wine's services (and so the driver hosts) inherit; only an
  // allow-list of lab's environment reaches Wine, and through it the driver (wine-env.ts).
  const child = execa(file, args, {
    env: wineEnv(prefix, { WINEDEBUG: HOST_DEBUG_CHANNELS }),
    extendEnv: false,
    buffer: false,
    stdin: 'ignore',
    reject: false,
    cleanup: true,
  });

  const target = (text: string, pid?: number) => hooks.onDebug({ timeMs: Date.now(), source: 'target', ...(pid !== undefined ? { pid } : {}), text });
  const flushPrints = () => {
    for (const line of prints.flush()) hooks.onDebug({ timeMs: Date.now(), source: 'kernel', pid: line.pid, text: line.text });
  };
  const onMonitor = (event: MonitorEvent) => {
    const crash = watch.onMonitor(event);
    switch (event.t) {
      case 'print':
        for (const line of prints.push(event)) hooks.onDebug({ timeMs: Date.now(), source: 'kernel', pid: line.pid, text: line.text });
        return;
      case 'done':
      case 'exit':
        if (crash) {
          flushPrints();
          target(`lab-monitor: the driver host (pid ${event.pid}) is ending: ${crash.exit.signature}`, event.pid);
          hooks.onHostExit?.(crash.exit);
        }
        return;
      case 'warning':
      case 'failed':
        hooks.onWarning?.(`lab-monitor: ${event.text} (error ${event.error})`);
        return;
      default:
        return;
    }
  };
  const onStderr = (raw: string) => {
    const monitor = parseMonitorLine(raw, token) ?? parseHostPrintLine(raw, printToken);
    if (monitor?.t === 'bad') hooks.onWarning?.(`lab-monitor wrote a line lab cannot read: ${monitor.text.slice(0, 200)}`);
    else if (monitor) onMonitor(monitor);
    if (monitor) return;
    const line = parseWineLine(raw);
    const timeMs = Date.now();
    switch (line.kind) {
      case 'user':
        // A marker closes the lines printed before it, so an unfinished DbgPrint line stays in its case.
        if (parseMarker(line.text)) flushPrints();
        hooks.onDebug({ timeMs, source: 'user', pid: line.pid, text: line.text });
        return;
      case 'kernel':
        hooks.onDebug({ timeMs, source: 'kernel', pid: line.pid, text: line.text });
        return;
      case 'channel': {
        // Wine's own lines count only from the watched hosts (boot drivers and services are noise here).
        if (!watch.isHost(line.pid)) return;
        if (line.level === 'err' && line.channel === 'seh') return; // the monitor reports the exception itself
        const meaning = watch.onChannel(line.pid, line.level, line.channel, line.fn, line.text);
        target(`${line.level}:${line.channel}:${line.fn} ${line.text}`.trim(), line.pid);
        if (meaning.gap) hooks.onTargetGap?.(meaning.gap);
        if (meaning.loadStatus !== undefined) hooks.onLoadStatus?.(meaning.loadStatus);
        return;
      }
      case 'crash':
      case 'other':
        target(line.text);
        return;
      default:
        return;
    }
  };

  const out = new LineSplitter();
  const err = new LineSplitter(MAX_DEBUG_LINE_CHARS);
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk).forEach((l) => hooks.onStdout(l)));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk).forEach(onStderr));
  // Wine's services inherit the pipes and outlive the program, so "exited" is the process exit, not EOF.
  const exited = new Promise<{ exitCode: number | null }>((resolve) => {
    child.once('exit', (code) => resolve({ exitCode: code }));
    child.once('error', () => resolve({ exitCode: null }));
  });
  let killed: Promise<void> | undefined;
  const kill = () =>
    (killed ??= (async () => {
      await killPrefixProcesses(prefix);
      child.kill('SIGKILL');
      await exited;
    })());
  return {
    watch,
    exited,
    kill,
    drain: async () => {
      await kill();
      // Lines written before the kill may still be in the pipes; they close as Wine's processes die.
      await Promise.race([Promise.all([closed(child.stdout), closed(child.stderr)]), new Promise((r) => setTimeout(r, 500))]);
      const lastOut = out.end();
      if (lastOut !== null) hooks.onStdout(lastOut);
      const lastErr = err.end();
      if (lastErr !== null) onStderr(lastErr);
      flushPrints();
    },
  };
}

function closed(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
