/**
 * What the Wine target knows of the driver hosts in one session, from lab-monitor's events and from the
 * hosts' own Wine channel lines (told apart from everyone else's by process id): which processes host the
 * plan's services, how a host ended (the fault and its frames, KeBugCheckEx, a stack overflow, the host
 * ending itself, a plain exit), which functions Wine only stubs the driver called, and the status
 * DriverEntry returned.
 *
 * A host's end is announced when the monitor has written all it knows (the `done` after a fault's or an
 * ending's frames): those lines are written while the host is stopped, so the announcement keeps its
 * order against the guest runner's case markers. An `exit` nothing announced is announced when it comes.
 */
import type { HostExit, TargetGap } from '../target.js';
import type { EndingEvent, ExitEvent, FaultEvent, FrameEvent, MonitorEvent } from './monitor-events.js';

export interface HostCrash {
  exit: HostExit;
  /** The faulting (or terminating) thread's frames, innermost first (empty when the host ended without either). */
  frames: FrameEvent[];
  tid?: number;
}

/** What one channel line of a host means, beyond being shown. */
export interface ChannelMeaning {
  gap?: TargetGap;
  /** DriverEntry's NTSTATUS, from ntoskrnl's "failed to create driver" line. */
  loadStatus?: number;
}

const EXCEPTIONS: Record<number, string> = {
  0x80000002: 'datatype misalignment',
  0x80000003: 'breakpoint (int 3)',
  0xc000001d: 'illegal instruction',
  0xc0000025: 'non-continuable exception',
  0xc0000094: 'integer divide by zero',
  0xc0000095: 'integer overflow',
  0xc0000096: 'privileged instruction',
  0xc00000fd: 'stack overflow',
  0xc0000409: 'stack buffer overrun: __fastfail',
};
const ACCESS: Record<number, string> = { 0: 'read', 1: 'write', 8: 'execute' };
const WINE_STUB = 0x80000100;
/** Wine's modules, and lab's own in the host (lab-prints.dll formats the driver's DbgPrints): never the driver's frame. */
const WINE_MODULES =
  /^(ntdll\.dll|ntoskrnl\.exe|hal\.dll|kernel32\.dll|kernelbase\.dll|winedevice\.exe|sechost\.dll|msvcrt\.dll|ucrtbase\.dll|lab-prints\.dll)$/i;

const hex = (n: number) => `0x${n.toString(16)}`;

interface Pending {
  fault?: FaultEvent;
  ending?: EndingEvent;
  frames: FrameEvent[];
}

export class HostWatch {
  /** pid → the service whose host it is. */
  readonly hosts = new Map<number, string>();
  private readonly pending = new Map<number, Pending>();
  /** Hosts whose end was announced: their later `exit` says nothing new. */
  private readonly announced = new Set<number>();
  /** Wine's own last word on a host (KeBugCheckEx's parameters, a stack overflow), by pid. */
  private readonly notes = new Map<number, string>();
  /** The last host that ended, with everything known of how. */
  lastCrash?: HostCrash;

  isHost(pid: number): boolean {
    return this.hosts.has(pid);
  }

  /** Feeds one monitor event; returns the host's end when this event announces it. */
  onMonitor(event: MonitorEvent): HostCrash | undefined {
    switch (event.t) {
      case 'host':
        this.hosts.set(event.pid, event.service);
        return undefined;
      case 'fault':
        this.pending.set(event.pid, { fault: event, frames: [] });
        return undefined;
      case 'ending':
        this.pending.set(event.pid, { ending: event, frames: [] });
        return undefined;
      case 'frame':
        this.pending.get(event.pid)?.frames.push(event);
        return undefined;
      case 'done':
        return this.announce(event.pid, this.pending.get(event.pid));
      case 'exit':
        return this.exited(event);
      default:
        return undefined;
    }
  }

  onChannel(pid: number, level: string, channel: string, fn: string, text: string): ChannelMeaning {
    if (level === 'fixme') return { gap: { function: fn, detail: `fixme:${channel}:${fn} ${text}`.trim(), kind: 'stub' } };
    if (level !== 'err') return {};
    if (channel === 'ntoskrnl' && fn === 'KeBugCheckEx') {
      const params = text
        .trim()
        .split(/\s+/)
        .map((p) => `0x${p.toUpperCase()}`);
      this.notes.set(pid, `KeBugCheckEx(${params.join(', ')}): the driver stopped the machine (a bugcheck on Windows)`);
    }
    const status = /failed to create driver .*: ([0-9a-f]{8})\s*$/.exec(text);
    if (channel === 'ntoskrnl' && status) return { loadStatus: Number.parseInt(status[1]!, 16) };
    return {};
  }

  private announce(pid: number, pending: Pending | undefined): HostCrash | undefined {
    if (!pending || this.announced.has(pid)) return undefined;
    this.pending.delete(pid);
    this.announced.add(pid);
    const frames = pending.frames.sort((a, b) => a.n - b.n);
    const from = describeWhere(firstOwnFrame(frames));
    let exit: HostExit;
    if (pending.fault) {
      const f = pending.fault;
      if (f.code === WINE_STUB && f.stub) {
        // The stub raises inside Wine; what matters is where the driver called it.
        exit = {
          exitCode: f.code,
          signature: `call to ${f.stub}, which Wine does not implement, from ${from}`,
          gap: { function: f.stub, detail: `Wine has no implementation of ${f.stub} (a stub that ends the process when called)`, kind: 'unimplemented' },
        };
      } else {
        exit = { exitCode: f.code, signature: `${describeException(f)} at ${describeWhere(f)}` };
      }
    } else {
      const status = pending.ending!.status;
      exit = {
        exitCode: status,
        signature: this.notes.get(pid) ?? `the driver host ended itself (NtTerminateProcess, exit status ${hex(status)}), called from ${from}`,
      };
    }
    this.lastCrash = { exit, frames, tid: pending.fault?.tid ?? pending.ending!.tid };
    return this.lastCrash;
  }

  private exited(event: ExitEvent): HostCrash | undefined {
    this.hosts.delete(event.pid);
    if (this.announced.has(event.pid)) {
      if (this.lastCrash) this.lastCrash.exit.exitCode = event.code;
      return undefined;
    }
    this.announced.add(event.pid);
    const note = this.notes.get(event.pid);
    const overflow = event.recent.find((r) => r.code === 0xc00000fd);
    const signature =
      note ??
      (overflow
        ? `stack overflow (exception 0xc00000fd) at ${describeWhere(overflow)}`
        : `the driver host ended with exit code ${hex(event.code)}, without an exception`);
    this.lastCrash = { exit: { exitCode: event.code, signature }, frames: [] };
    return this.lastCrash;
  }
}

function describeException(f: FaultEvent): string {
  if (f.code === 0xc0000005) {
    const access = ACCESS[Number.parseInt(f.p0 ?? '0x0', 16)] ?? 'unknown';
    return `page fault on ${access} access to ${f.p1 ?? 'an unknown address'}`;
  }
  const name = EXCEPTIONS[f.code];
  return `exception ${hex(f.code)}${name ? ` (${name})` : ''}`;
}

function describeWhere(w: { module?: string | undefined; offset?: number | undefined; address?: string; pc?: string } | undefined): string {
  if (!w) return 'an unknown address';
  if (w.module !== undefined && w.offset !== undefined) return `${w.module}+${hex(w.offset)}`;
  return w.address ?? w.pc ?? 'an unknown address';
}

/** The first frame in a module that is not Wine's: where the driver called in or faulted. */
function firstOwnFrame(frames: FrameEvent[]): FrameEvent | undefined {
  return frames.find((f) => f.module !== undefined && !WINE_MODULES.test(f.module));
}
