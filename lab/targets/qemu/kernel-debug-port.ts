import type { DebugLine } from '../../logs/debug-line.js';
import { parseMarker } from '../../logs/case-markers.js';

/** What the kernel's debug port said about the end of the machine: a bugcheck, or its debugger's prompt. */
export interface KernelStop {
  /** e.g. `bugcheck 0x0000007E (0xC0000005, 0xF65A60CA, 0xF727DAA8, 0xF727D7AC) in crash-on-length.sys` */
  signature: string;
  /** The bugcheck code, or the exception code when the debugger stopped on an unhandled exception. */
  code?: number;
  kind?: 'bugcheck' | 'exception';
  parameters?: number[];
  /** The first frame of the backtrace outside the kernel itself, e.g. `crash-on-length.sys:10c5`. */
  module?: string;
  /** The lines the kernel printed from the stop to its prompt: code, parameters, backtrace. */
  report: string[];
}

const FATAL = /\*\*\* Fatal System Error: (0x[0-9A-Fa-f]{8})/;
/** kdb also stops on an exception no handler took, before any bugcheck: `... (Exception Code: 0xc0000005) (Page Fault)`. */
const EXCEPTION = /Entered debugger on (?:last-chance|first-chance) exception \(Exception Code: (0x[0-9A-Fa-f]{8})\)(?: \(([^)]+)\))?/;
/** KeBugCheckEx breaks into kdb; the stop code is printed only on some paths (`*** Fatal System Error`). */
const INT3 = /Entered debugger on embedded INT3/;
/** Terminal control sequences kdb sends (`ESC[?7h`, `ESC[c`). */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const PARAMETERS = /^\s*\((0x[0-9A-Fa-f]+),\s*(0x[0-9A-Fa-f]+),\s*(0x[0-9A-Fa-f]+),\s*(0x[0-9A-Fa-f]+)\)/;
const FRAME = /<([^:<>\s]+):([0-9A-Fa-f]+)(?:\s[^>]*)?>/g;
/** Frames in these modules are the kernel reporting the crash, not where it happened. */
const KERNEL_MODULES = new Set(['ntoskrnl.exe', 'hal.dll', 'kdcom.dll', 'ntkrnlpa.exe', 'ntkrnlmp.exe']);
/** ReactOS's own debug output: `(/path/file.c:123) ...`, `err:(...)`, `fixme:`, `WARNING: ...`. */
const NOISE = /^(?:\((?:\/|[A-Za-z]:)[^)]*:\d+\)|(?:err|fixme|warn|trace|info):|WARNING:|ERROR:|\*\*\* )/i;
export const KDB_PROMPT = 'kdb:>';

/**
 * Reads the text the ReactOS debug build's kernel prints on its debug port (COM1): every DbgPrint (the
 * driver's lines, and the guest runner's case markers, which OutputDebugString turns into DbgPrint),
 * ReactOS's own noise, and, when the machine dies, `*** Fatal System Error: 0x...`, the parameters, a
 * backtrace and the `kdb:>` prompt at which the kernel then waits forever.
 */
export class KernelDebugPort {
  private stop?: { code?: number; kind: 'bugcheck' | 'exception'; what?: string; report: string[]; parameters?: number[] };

  /** The debug-stream form of a line: markers as the runner's (user), ReactOS's noise as the target's. */
  classify(raw: string, timeMs: number): Omit<DebugLine, 'seq'> {
    const text = clean(raw);
    if (parseMarker(text)) return { timeMs, source: 'user', text };
    if (NOISE.test(text) && !FATAL.test(text)) return { timeMs, source: 'target', text: `reactos: ${text}` };
    return { timeMs, source: 'kernel', text };
  }

  /** Feeds one line; returns the code (0 when not printed) when this line is where the machine stops. */
  line(raw: string): number | undefined {
    const text = clean(raw);
    const fatal = FATAL.exec(text);
    if (fatal && !this.stop) {
      this.stop = { code: Number.parseInt(fatal[1]!, 16), kind: 'bugcheck', report: [text.trim()] };
      return this.stop.code;
    }
    if (INT3.test(text) && !this.stop) {
      this.stop = { kind: 'bugcheck', report: [text.trim()] };
      return 0;
    }
    const exception = EXCEPTION.exec(text);
    if (exception && !this.stop) {
      this.stop = { code: Number.parseInt(exception[1]!, 16), kind: 'exception', ...(exception[2] ? { what: exception[2] } : {}), report: [text.trim()] };
      return this.stop.code;
    }
    if (this.stop) {
      if (this.stop.report.length < 400) this.stop.report.push(text.replace(/\s+$/, ''));
      const p = PARAMETERS.exec(text);
      if (p && !this.stop.parameters) this.stop.parameters = p.slice(1, 5).map((h) => Number.parseInt(h, 16));
    }
    return undefined;
  }

  get stopping(): boolean {
    return this.stop !== undefined;
  }

  /** The machine is at its debugger's prompt: what it printed since the stop (or since nothing, when it broke in without one). */
  prompt(lastLines: string[]): KernelStop {
    const stop = this.stop;
    this.stop = undefined;
    if (!stop) {
      return { signature: 'the kernel debugger stopped the machine (kdb:> prompt) without a bugcheck: an assertion or a break-in', report: lastLines };
    }
    const module = faultingModule(stop.report);
    const params = stop.parameters ? ` (${stop.parameters.map(hex).join(', ')})` : '';
    const where = module ? ` in ${module.split(':')[0]}` : '';
    return {
      signature:
        stop.kind === 'exception'
          ? `unhandled kernel exception ${hex(stop.code!)}${stop.what ? ` (${stop.what})` : ''}${where}: the kernel debugger stopped the machine`
          : stop.code !== undefined
            ? `bugcheck ${hex(stop.code)}${params}${where}`
            : `bugcheck${where} (KeBugCheckEx; the kernel did not print the stop code)`,
      ...(stop.code !== undefined ? { code: stop.code } : {}),
      kind: stop.kind,
      ...(stop.parameters ? { parameters: stop.parameters } : {}),
      ...(module ? { module } : {}),
      report: stop.report,
    };
  }

  /** A revert: whatever the machine was saying is gone with it. */
  reset(): void {
    this.stop = undefined;
  }
}

function clean(text: string): string {
  return text.replace(ANSI, '');
}

function faultingModule(report: string[]): string | undefined {
  for (const line of report) {
    for (const m of line.matchAll(FRAME)) {
      if (!KERNEL_MODULES.has(m[1]!.toLowerCase())) return `${m[1]}:${m[2]}`;
    }
  }
  return undefined;
}

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}
