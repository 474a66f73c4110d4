import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePlanText } from '../guest/plan-encoder.js';
import type { GuestCase } from '../guest/plan.js';
import { parseMarker } from '../logs/case-markers.js';
import { createTarget, refOf, type TargetRef } from '../targets/create-target.js';
import { loadInventory, resolveTarget } from '../targets/inventory/load-inventory.js';
import type { Target } from '../targets/target.js';
import { startLoopbackSshd, type LoopbackServer } from '../testing/loopback-ssh/loopback-sshd.js';
import { qemuSkipReason, reactosEnv } from './reactos-image.js';
import { BUILD } from './run-lab.js';

const REFLECT = 0x0022e004;
const READ = 0x0022e008;
const CASES: GuestCase[] = [0, 1].map((index) => ({
  index,
  id: `conformance/case-${index}`,
  steps: [
    { kind: 'open', slot: 0, access: 'rw' },
    { kind: 'ioctl', slot: 0, code: REFLECT, input: { pattern: new Uint8Array([0x6c, 0x61, 0x62, index]), length: 4 }, outLength: 0 },
    { kind: 'ioctl', slot: 0, code: READ, input: { pattern: new Uint8Array(), length: 0 }, outLength: 1024 },
  ],
}));

type Seen = { kind: 'stdout'; line: string } | { kind: 'debug'; source: string; text: string } | { kind: 'crash' } | { kind: 'exited' } | { kind: 'drained' };

/**
 * The session contract of lab/targets/target.ts, checked on a target: the guest runner's markers come
 * through onDebug as the runner's, in order, every end marker before the session says it ended, a result
 * line per case, and nothing after drain().
 */
async function checkSessionContract(ref: TargetRef, dir: string): Promise<void> {
  const target: Target = createTarget(ref, { runId: `conformance-${ref.kind}-${process.pid}`, keep: false, toolsDir: BUILD });
  const build = ref.machine === 'i686' ? join(BUILD, 'i686') : BUILD;
  try {
    await target.prepare();
    const runner = target.guestPath('lab-guest.exe');
    const driver = target.guestPath('objdev.sys');
    await target.putTools?.();
    await target.put(join(build, 'lab-guest.exe'), runner);
    await target.put(join(build, 'objdev.sys'), driver);
    const plan = join(dir, `plan-${ref.kind}.txt`);
    await writeFile(
      plan,
      encodePlanText(
        {
          device: '\\\\.\\object_device',
          driver: { service: 'objdev', imagePath: driver },
          workdir: win32.dirname(runner),
          ...(target.markerChannel === 'stderr' ? { markers: 'stderr' as const } : {}),
        },
        CASES,
      ),
    );
    const guestPlan = target.guestPath('plan.txt');
    await target.put(plan, guestPlan);

    const seen: Seen[] = [];
    const session = target.startSession(
      [runner, guestPlan],
      {
        onStdout: (line) => seen.push({ kind: 'stdout', line }),
        onDebug: (line) => seen.push({ kind: 'debug', source: line.source, text: line.text }),
        onCrash: () => seen.push({ kind: 'crash' }),
      },
      { services: ['objdev'] },
    );
    const { exitCode } = await session.exited;
    seen.push({ kind: 'exited' });
    await session.drain();
    seen.push({ kind: 'drained' });
    const settled = seen.length;
    await new Promise((r) => setTimeout(r, 500));

    expect(exitCode).toBe(0);
    expect(seen.some((s) => s.kind === 'crash')).toBe(false);
    const markers = seen.flatMap((s, at) => (s.kind === 'debug' && parseMarker(s.text) ? [{ at, source: s.source, ...parseMarker(s.text)! }] : []));
    // 1 and 2: the runner's markers, as the runner's, in the order it wrote them.
    expect(markers.map((m) => `${m.edge} ${m.index} ${m.source}`)).toEqual(['begin 0 user', 'end 0 user', 'begin 1 user', 'end 1 user']);
    // 3: every end marker before the session said it ended; one result line per case.
    const ended = Math.min(...['exited', 'drained'].map((k) => seen.findIndex((s) => s.kind === k)).filter((i) => i >= 0));
    expect(markers.every((m) => m.at < ended)).toBe(true);
    const results = seen.filter((s): s is Extract<Seen, { kind: 'stdout' }> => s.kind === 'stdout' && s.line.startsWith('{"t":"case"'));
    expect(results.map((r) => JSON.parse(r.line).i)).toEqual([0, 1]);
    // 5: nothing after drain().
    expect(seen.length).toBe(settled);
  } finally {
    await target.dispose();
  }
}

describe('every target keeps the session contract run/ relies on', () => {
  let dir: string;
  let server: LoopbackServer;
  let inventory: Awaited<ReturnType<typeof loadInventory>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-conformance-'));
    server = await startLoopbackSshd({ dbgview: 'C:\\Tools\\Dbgview.exe' });
    const guest = { ...server.connection(), dbgview: 'C:\\Tools\\Dbgview.exe', cleanPaths: ['C:\\objdev.log'] };
    const file = await server.writeInventory({
      hypervHosts: { double: { ssh: { host: '127.0.0.1', ...server.connection() } } },
      targets: {
        box: { kind: 'ssh', host: '127.0.0.1', ...guest },
        vm: {
          kind: 'hyperv',
          hypervHost: 'double',
          vm: 'conformance',
          checkpoint: 'lab-clean',
          bootTimeoutMs: 20_000,
          pollMs: 100,
          rebootTimeoutMs: 20_000,
          guest,
        },
      },
    });
    inventory = await loadInventory(file);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('Wine', async () => checkSessionContract(await refOf({ kind: 'wine', name: 'wine' }), dir), 120_000);
  it('Windows over SSH (the loopback server)', async () => checkSessionContract(await refOf(resolveTarget(inventory, 'box')), dir), 180_000);
  it('Hyper-V (the host double)', async () => {
    await server.playHyperv([{ name: 'conformance', heartbeatAfterPolls: 2 }]);
    await checkSessionContract(await refOf(resolveTarget(inventory, 'vm')), dir);
  }, 180_000);
  it.skipIf(qemuSkipReason !== undefined)(
    'QEMU (the ReactOS live CD)',
    async () => {
      process.env.LAB_REACTOS_IMAGE = reactosEnv.LAB_REACTOS_IMAGE;
      await checkSessionContract(await createTarget.resolve('reactos'), dir);
    },
    600_000,
  );
});
