/**
 * What happened in one guest-runner session, decided from events in the order they arrive: the runner's
 * result lines (stdout), the case markers (the debug stream), what the target knows for a fact (a crash,
 * the driver host's end, a function it does not implement), timeouts, and the runner's own exit. No I/O,
 * no clock, no timers: guest-session.ts feeds events with the time and carries out the effects, and the
 * tests feed orderings directly.
 *
 * The rules:
 * - A case is written once both its result and its end marker are in (or the session stopped).
 * - A crash belongs to the case open in the debug stream when it happened (its markers and the target's
 *   crash report share one ordered stream under Wine), else to the case the runner last began.
 * - After a crash, results of earlier cases still count (stdout lags the debug stream); anything the
 *   runner says about the crashed case or a later one means it moved on: the session stops.
 * - A driver host that ended is a fact with its evidence complete: in the middle of a case the session
 *   only waits (briefly) for the runner to move on; while loading or between cases it stops at once.
 */
import type { HostExit, TargetGap } from '../targets/target.js';

export type TimerName = 'load' | 'case' | 'unload' | 'crash';

export type MachineEvent =
  | { t: 'load'; error: number; message: string }
  | { t: 'begin'; index: number }
  | { t: 'marker'; edge: 'begin' | 'end'; index: number }
  | { t: 'result'; index: number }
  | { t: 'end' }
  | { t: 'plan-error' }
  | { t: 'crash'; signature: string }
  | { t: 'host-exit'; exit: HostExit }
  | { t: 'gap'; gap: TargetGap }
  | { t: 'load-status'; status: number }
  | { t: 'timeout'; timer: TimerName }
  | { t: 'runner-exit'; exitCode: number | null }
  | { t: 'interrupt' };

export type SessionStop =
  | { kind: 'end' }
  | { kind: 'crash'; index?: number; signature: string; gap?: TargetGap }
  | { kind: 'hang'; index: number }
  | { kind: 'runner-exit'; exitCode: number | null; index?: number }
  | { kind: 'load-failed'; error: number; message: string; status?: number; gaps: TargetGap[] }
  /** The driver host ended while the driver was loading (in DriverEntry). */
  | { kind: 'load-crashed'; signature: string; gap?: TargetGap; gaps: TargetGap[] }
  /** DriverEntry did not return: no load result within the load timeout. */
  | { kind: 'load-hung'; afterMs: number }
  /** Every case has its result but the driver did not unload (the runner never ended). */
  | { kind: 'unload-hung'; afterMs: number }
  | { kind: 'interrupted' };

export type Effect =
  | { do: 'arm'; timer: TimerName; ms: number }
  | { do: 'disarm'; timer: TimerName }
  | { do: 'begun'; index: number }
  /** The crash is attributed now: the moment to keep the debug lines before it. */
  | { do: 'crashed'; index?: number }
  | { do: 'write'; index: number }
  | { do: 'stop'; stop: SessionStop };

export interface MachineLimits {
  loadMs: number;
  unloadMs: number;
  /** How long after a crash report the runner has to move on (a debugger may still be writing). */
  crashGraceMs: number;
  /** The same after a host's end, whose evidence is complete: only stdout's lag is waited for. */
  hostGraceMs: number;
}

/** The verdict for the case a stop cut off. */
export interface CutCase {
  index: number;
  status: 'crashed' | 'hung' | 'error' | 'inconclusive';
  durationMs: number;
  signature?: string;
  gap?: TargetGap;
}

interface Crash {
  signature: string;
  index?: number;
  at: number;
  gap?: TargetGap;
}

export class SessionMachine {
  private loading = true;
  private stopped?: SessionStop;
  private stoppedAt = 0;
  private inFlight?: number;
  private open?: number;
  private crash?: Crash;
  private reported = 0;
  private loadStatus?: number;
  private readonly begunAt = new Map<number, number>();
  private readonly results = new Set<number>();
  private readonly ends = new Set<number>();
  private readonly written = new Set<number>();
  private readonly gaps = new Map<number | 'load', TargetGap[]>();

  constructor(
    private readonly timeouts: ReadonlyMap<number, number>,
    private readonly limits: MachineLimits,
  ) {}

  /** Effects to start with: the bound on loading. */
  start(): Effect[] {
    return [{ do: 'arm', timer: 'load', ms: this.limits.loadMs }];
  }

  get stop(): SessionStop | undefined {
    return this.stopped;
  }

  /** Gaps of the target seen during a case (or during the load). */
  gapsOf(index: number | 'load'): TargetGap[] {
    return this.gaps.get(index) ?? [];
  }

  handle(event: MachineEvent, now: number): Effect[] {
    if (this.stopped) return this.afterStop(event);
    switch (event.t) {
      case 'load':
        this.loading = false;
        if (event.error !== 0)
          return this.finish(
            {
              kind: 'load-failed',
              error: event.error,
              message: event.message,
              ...(this.loadStatus !== undefined ? { status: this.loadStatus } : {}),
              gaps: this.gapsOf('load'),
            },
            now,
          );
        return [{ do: 'disarm', timer: 'load' }];
      case 'begin':
        return this.begin(event.index, now);
      case 'marker':
        return this.marker(event.edge, event.index, now);
      case 'result':
        return this.result(event.index, now);
      case 'end':
        return this.finish({ kind: 'end' }, now);
      case 'plan-error':
        return this.finish({ kind: 'runner-exit', exitCode: 2 }, now);
      case 'crash':
        return this.crashed(event.signature, now, this.limits.crashGraceMs);
      case 'host-exit':
        return this.crashed(event.exit.signature, now, this.limits.hostGraceMs, event.exit.gap, true);
      case 'gap': {
        const key = this.loading ? 'load' : (this.open ?? this.inFlight);
        if (key !== undefined && !this.crash) this.gaps.set(key, [...this.gapsOf(key), event.gap]);
        return [];
      }
      case 'load-status':
        this.loadStatus = event.status;
        return [];
      case 'timeout':
        return this.timeout(event.timer, now);
      case 'runner-exit':
        if (this.crash) return this.finish(this.crashStop(), now);
        return this.finish({ kind: 'runner-exit', exitCode: event.exitCode, ...(this.inFlight !== undefined ? { index: this.inFlight } : {}) }, now);
      case 'interrupt':
        return this.finish({ kind: 'interrupted' }, now);
    }
  }

  /** Results that came in but were never written (no end marker before the stop): write them now. */
  unwritten(): number[] {
    return [...this.results].filter((i) => !this.written.has(i));
  }

  /** The verdict for the case the stop cut off, if it cut one off. */
  cut(): CutCase | undefined {
    const stop = this.stopped;
    if (!stop || (stop.kind !== 'crash' && stop.kind !== 'hang' && stop.kind !== 'runner-exit') || stop.index === undefined) return undefined;
    const index = stop.index;
    const began = this.begunAt.get(index) ?? this.stoppedAt;
    if (stop.kind === 'crash') {
      const at = this.crash?.at ?? this.stoppedAt;
      return {
        index,
        status: stop.gap ? 'inconclusive' : 'crashed',
        durationMs: Math.max(0, at - began),
        signature: stop.signature,
        ...(stop.gap ? { gap: stop.gap } : {}),
      };
    }
    return { index, status: stop.kind === 'hang' ? 'hung' : 'error', durationMs: Math.max(0, this.stoppedAt - began) };
  }

  private begin(index: number, now: number): Effect[] {
    if (this.crash) return this.finish(this.crashStop(), now); // the runner moved on past the crash
    this.loading = false;
    this.inFlight = index;
    if (!this.begunAt.has(index)) this.begunAt.set(index, now);
    const ms = this.timeouts.get(index);
    return [{ do: 'disarm', timer: 'load' }, ...(ms !== undefined ? [{ do: 'arm' as const, timer: 'case' as const, ms }] : []), { do: 'begun', index }];
  }

  private marker(edge: 'begin' | 'end', index: number, now: number): Effect[] {
    if (this.crash) return [];
    if (edge === 'begin') {
      this.open = index;
      if (!this.begunAt.has(index)) this.begunAt.set(index, now);
      return [];
    }
    if (this.open === index) this.open = undefined;
    this.ends.add(index);
    return this.writeIfComplete(index);
  }

  private result(index: number, now: number): Effect[] {
    if (this.crash && (this.crash.index === undefined || index >= this.crash.index)) return this.finish(this.crashStop(), now);
    const effects: Effect[] = [];
    if (this.inFlight === index) {
      this.inFlight = undefined;
      effects.push({ do: 'disarm', timer: 'case' });
    }
    this.results.add(index);
    effects.push(...this.writeIfComplete(index));
    if (++this.reported === this.timeouts.size && !this.crash) effects.push({ do: 'arm', timer: 'unload', ms: this.limits.unloadMs });
    return effects;
  }

  private crashed(signature: string, now: number, graceMs: number, gap?: TargetGap, fact = false): Effect[] {
    if (this.crash) return [];
    const index = this.open ?? this.inFlight;
    this.crash = { signature, at: now, ...(index !== undefined ? { index } : {}), ...(gap ? { gap } : {}) };
    const effects: Effect[] = [
      { do: 'crashed', ...(index !== undefined ? { index } : {}) },
      { do: 'disarm', timer: 'case' },
      { do: 'disarm', timer: 'load' },
      { do: 'disarm', timer: 'unload' },
    ];
    if (fact && this.loading) return [...effects, ...this.finish({ kind: 'load-crashed', signature, ...(gap ? { gap } : {}), gaps: this.gapsOf('load') }, now)];
    if (fact && index === undefined) return [...effects, ...this.finish(this.crashStop(), now)];
    return [...effects, { do: 'arm', timer: 'crash', ms: graceMs }];
  }

  private crashStop(): SessionStop {
    const c = this.crash!;
    return { kind: 'crash', signature: c.signature, ...(c.index !== undefined ? { index: c.index } : {}), ...(c.gap ? { gap: c.gap } : {}) };
  }

  private timeout(timer: TimerName, now: number): Effect[] {
    switch (timer) {
      case 'load':
        return this.finish({ kind: 'load-hung', afterMs: this.limits.loadMs }, now);
      case 'unload':
        return this.finish({ kind: 'unload-hung', afterMs: this.limits.unloadMs }, now);
      case 'crash':
        return this.finish(this.crashStop(), now);
      case 'case':
        return this.inFlight === undefined ? [] : this.finish({ kind: 'hang', index: this.inFlight }, now);
    }
  }

  private writeIfComplete(index: number): Effect[] {
    if (!this.results.has(index) || this.written.has(index) || (!this.ends.has(index) && !this.stopped)) return [];
    this.written.add(index);
    return [{ do: 'write', index }];
  }

  private finish(stop: SessionStop, now: number): Effect[] {
    this.stopped = stop;
    this.stoppedAt = now;
    return [
      { do: 'disarm', timer: 'load' },
      { do: 'disarm', timer: 'case' },
      { do: 'disarm', timer: 'unload' },
      { do: 'disarm', timer: 'crash' },
      { do: 'stop', stop },
    ];
  }

  /**
   * Lines that were still in the pipes when the session stopped: after a normal end everything counts;
   * after a crash, only the results of cases before the crashed one.
   */
  private afterStop(event: MachineEvent): Effect[] {
    const stop = this.stopped!;
    // A case whose end marker came before the stop had finished; one before the crashed case had too.
    const before = (i: number) => stop.kind === 'end' || this.ends.has(i) || (stop.kind === 'crash' && stop.index !== undefined && i < stop.index);
    if (event.t === 'marker' && event.edge === 'end' && before(event.index)) {
      this.ends.add(event.index);
      return this.writeIfComplete(event.index);
    }
    if (event.t === 'result' && before(event.index)) {
      this.results.add(event.index);
      return this.writeIfComplete(event.index);
    }
    return [];
  }
}
