/**
 * A test double of a Target (not a real machine): it reads the plan lab deploys and answers with
 * protocol lines whose outcome a test scripts per session and case: pass, fail, crash, hang, or a guest
 * runner that dies. It lets the run pipeline's rules (reruns, deadlines, harness retries) be tested
 * exactly, where a real driver cannot be made to fail on cue; everything real is tested under Wine.
 */
import { readFileSync } from 'node:fs';
import type { GuestSession, SessionHooks, Target } from '../../targets/target.js';

export type Scripted = 'pass' | 'fail' | 'crash' | 'hang' | 'runner-dies';

export class ScriptedTarget implements Target {
  readonly kind = 'wine' as const;
  readonly name = 'scripted';
  sessions = 0;
  reverts = 0;
  disposed = false;
  /** Case ids in the order the guest was asked to run them, over all sessions. */
  readonly ran: string[] = [];
  private readonly files = new Map<string, string>();

  constructor(
    private readonly script: (session: number, caseId: string) => Scripted,
    /** A driver whose DriverEntry never returns, or whose unload never does; a load refused per session; crash evidence that cannot be read. */
    private readonly hangs: { atLoad?: boolean; atUnload?: boolean; loadError?: (session: number) => number; evidenceFails?: boolean } = {},
    /** Files the guest holds, by guest path (the driver's log): what readGuestFile answers. */
    private readonly guestFiles: Record<string, string> = {},
  ) {}

  describe(): Record<string, string> {
    return { double: 'scripted test target' };
  }
  async prepare(): Promise<void> {}
  guestPath(name: string): string {
    return `C:\\lab\\${name}`;
  }
  async put(localPath: string, guestPath: string): Promise<void> {
    this.files.set(guestPath, localPath);
  }
  async readGuestFile(guestPath: string, start = 0, end?: number): Promise<Buffer | undefined> {
    const text = this.guestFiles[guestPath];
    return text === undefined ? undefined : Buffer.from(text).subarray(start, end);
  }
  async crashEvidence(): Promise<{ backtrace: string }> {
    if (this.hangs.evidenceFails) throw new Error('the scripted evidence is unreadable');
    return { backtrace: '  0  scripted.sys+0x10' };
  }
  async revert(): Promise<void> {
    this.reverts += 1;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    const session = ++this.sessions;
    const plan = readFileSync(this.files.get(argv[1]!)!, 'utf8');
    let exit!: (code: number | null) => void;
    const exited = new Promise<{ exitCode: number | null }>((resolve) => (exit = (exitCode) => resolve({ exitCode })));
    let killed = false;
    const say = (o: unknown) => !killed && hooks.onStdout(JSON.stringify(o));
    void (async () => {
      await tick();
      say({ t: 'hello', v: 1, pid: 32, qpcHz: 10_000_000 });
      if (this.hangs.atLoad) return;
      const refused = this.hangs.loadError?.(session) ?? 0;
      say({ t: 'load', service: 'objdev', e: refused, msg: refused ? 'refused' : 'ok', us: 1 });
      if (refused) return exit(3);
      for (const c of parseCases(plan)) {
        if (killed) return;
        this.ran.push(c.id);
        const what = this.script(session, c.id);
        if (what === 'runner-dies') return exit(1);
        say({ t: 'begin', i: c.index, id: c.id });
        hooks.onDebug({ timeMs: Date.now(), source: 'user', pid: 32, text: `lab: case-begin ${c.index} ${c.id}` });
        await tick();
        if (what === 'hang') return;
        if (what === 'crash') {
          // As under Wine: the host's end reported by the target, then the runner's pending request fails.
          hooks.onHostExit?.({ signature: 'page fault on write access to 0x0 at scripted.sys+0x10', exitCode: 0xc0000005 });
          await tick();
          say({ t: 'case', i: c.index, id: c.id, us: 10, log: null, steps: c.steps.map((k) => outcome(k, 5)) });
          return;
        }
        hooks.onDebug({ timeMs: Date.now(), source: 'user', pid: 32, text: `lab: case-end ${c.index} ${c.id}` });
        say({ t: 'case', i: c.index, id: c.id, us: 10, log: null, steps: c.steps.map((k) => outcome(k, what === 'fail' ? 87 : 0)) });
      }
      if (this.hangs.atUnload) return;
      say({ t: 'unload', service: 'objdev', e: 0, msg: 'ok', openAfter: 2 });
      say({ t: 'end', cases: 0 });
      exit(0);
    })();
    const kill = async () => {
      killed = true;
      exit(null);
    };
    return { exited, kill, drain: kill };
  }
}

function outcome(kind: string, error: number): Record<string, unknown> {
  if (kind === 'ioctl') return { k: 'ioctl', e: error, n: 0, us: 1, o: '', g: 0 };
  if (kind === 'open') return { k: 'open', e: error };
  return { k: kind };
}

function parseCases(plan: string): Array<{ index: number; id: string; steps: string[] }> {
  const cases: Array<{ index: number; id: string; steps: string[] }> = [];
  let current: { index: number; id: string; steps: string[] } | undefined;
  for (const line of plan.split('\n')) {
    const [word, a, b] = line.split(' ');
    if (word === 'case') current = { index: Number(a), id: b!, steps: [] };
    else if (word === 'end' && current) {
      cases.push(current);
      current = undefined;
    } else if (current && word) current.steps.push(word);
  }
  return cases;
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}
