/**
 * TEST INFRASTRUCTURE: a Hyper-V host DOUBLE. Nothing here is Hyper-V. It receives what lab sends a
 * Hyper-V host (`powershell -NoProfile -NonInteractive -EncodedCommand <base64>`), decodes the script,
 * recognises which of lab's generated scripts it is by the cmdlets in it, reads the VM and checkpoint names
 * back out of their single-quoted literals (PowerShell's quoting rules), and answers the JSON lab's scripts
 * print, from a simulated VM: checkpoint restore, a heartbeat after N polls, an IP address, a crash that
 * the guest shim injects (event 18590, heartbeat lost, a reboot after some polls).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { killPrefix } from './process-tree.js';
import { hostPath, statePaths, type ShimConfig } from './shim-config.js';

export interface DoubleVm {
  name: string;
  id: string;
  checkpoints: string[];
  state: 'Off' | 'Saved' | 'Running';
  /** Status polls after Start-VM before the heartbeat is Ok (a boot). */
  heartbeatAfterPolls: number;
  polls: number;
  ip: string;
  neverBoots?: boolean;
  crashed?: { polls: number; rebootAfterPolls: number };
  generation: number;
  secureBoot: 'On' | 'Off';
  checkpointType: string;
  /** Guest paths a checkpoint restore throws away (what a run wrote). */
  resetPaths: string[];
  /** How many guest events existed when the checkpoint was taken. */
  checkpointEvents: number;
}

export interface DoubleState {
  vms: DoubleVm[];
  workerEvents: Array<{ vmId: string; time: string; message: string }>;
  /** Every operation lab asked for, in order (what the tests check). */
  ops: Array<{ time: string; op: string; vm?: string; checkpoint?: string }>;
}

export function readDouble(config: ShimConfig): DoubleState | undefined {
  try {
    return JSON.parse(readFileSync(statePaths(config).hyperv, 'utf8')) as DoubleState;
  } catch {
    return undefined;
  }
}

function writeDouble(config: ShimConfig, state: DoubleState): void {
  writeFileSync(statePaths(config).hyperv, JSON.stringify(state, null, 1));
}

/** PowerShell's single-quoted literal: any of ' ‘ ’ ‚ ‛ doubled is one quote. */
function literalAfter(script: string, prefix: RegExp): string | undefined {
  const m = new RegExp(`${prefix.source}'((?:[^'\\u2018-\\u201B]|['\\u2018-\\u201B]['\\u2018-\\u201B])*)'`).exec(script);
  return m ? m[1]!.replace(/(['\u2018-\u201B])['\u2018-\u201B]/g, '$1') : undefined;
}

export async function runPowerShell(config: ShimConfig, argv: string[]): Promise<{ stdout: string; code: number; script?: string }> {
  const at = argv.findIndex((a) => /^-EncodedCommand$/i.test(a));
  const encoded = at > 0 ? argv[at + 1] : undefined;
  if (!encoded || !/^-NoProfile$/i.test(argv[1] ?? '') || !argv.some((a) => /^-NonInteractive$/i.test(a)))
    return { stdout: 'double: expected powershell -NoProfile -NonInteractive -EncodedCommand <base64>\r\n', code: 1 };
  const script = Buffer.from(encoded, 'base64').toString('utf16le');
  const state = readDouble(config);
  const answer = (value: Record<string, unknown>, code = 0) => ({ stdout: `${JSON.stringify(value)}\r\n`, code, script });
  const fail = (error: string) => answer({ ok: false, error }, 1);
  if (!state) return fail("The term 'Get-VM' is not recognized (this loopback server plays no Hyper-V host)");
  if (!script.startsWith("$ErrorActionPreference = 'Stop'") || !script.includes('function Get-LabVm')) return fail("double: not one of lab's scripts");

  const name = literalAfter(script, /Get-LabVm -Name /);
  const vm = state.vms.find((v) => v.name.toLowerCase() === name?.toLowerCase());
  if (!vm) return fail(`expected one VM named '${name}' on this host, found 0`);
  const op = recognise(script);
  state.ops.push({ time: new Date().toISOString(), op, vm: vm.name });
  const hostTime = new Date().toISOString();
  try {
    switch (op) {
      case 'restore': {
        const checkpoint = literalAfter(script, /Get-VMCheckpoint -VM \$vm \| Where-Object \{ \$_\.Name -eq /);
        state.ops[state.ops.length - 1]!.checkpoint = checkpoint;
        if (!checkpoint || !vm.checkpoints.includes(checkpoint)) return fail(`expected one checkpoint named '${checkpoint}' on VM '${vm.name}', found 0`);
        await restoreGuest(config, vm);
        Object.assign(vm, { state: 'Saved', polls: 0 });
        delete vm.crashed;
        return answer({ ok: true, state: vm.state, hostTime });
      }
      case 'start':
        if (vm.state !== 'Running') Object.assign(vm, { state: 'Running', polls: 0 });
        return answer({ ok: true, state: vm.state });
      case 'turn-off':
        if (vm.state !== 'Off') {
          vm.state = 'Off';
          await killPrefix(config.prefix);
        }
        return answer({ ok: true, state: vm.state });
      case 'status': {
        let heartbeat = 'NoContact';
        if (vm.state === 'Running') {
          vm.polls += 1;
          if (vm.crashed) {
            vm.crashed.polls += 1;
            heartbeat = 'LostCommunication';
            if (vm.crashed.polls >= vm.crashed.rebootAfterPolls) {
              delete vm.crashed;
              vm.polls = vm.heartbeatAfterPolls;
              heartbeat = 'Ok';
            }
          } else if (!vm.neverBoots && vm.polls >= vm.heartbeatAfterPolls) heartbeat = 'Ok';
        }
        return answer({
          ok: true,
          state: vm.state,
          heartbeat,
          heartbeatEnabled: true,
          uptimeSeconds: vm.state === 'Running' ? vm.polls : 0,
          ips: heartbeat === 'Ok' ? [vm.ip] : [],
          hostTime,
        });
      }
      case 'worker-events': {
        const since = /\$since = \[datetime\]::Parse\('([^']+)'/.exec(script)?.[1];
        const from = since ? Date.parse(since) : 0;
        return answer({
          ok: true,
          events: state.workerEvents.filter((e) => e.vmId === vm.id && Date.parse(e.time) >= from).map(({ time, message }) => ({ time, message })),
        });
      }
      case 'facts': {
        const checkpoint = literalAfter(script, /Get-VMCheckpoint -VM \$vm \| Where-Object \{ \$_\.Name -eq /);
        return answer({
          ok: true,
          generation: vm.generation,
          secureBoot: vm.secureBoot,
          checkpointType: vm.checkpointType,
          checkpoint: Boolean(checkpoint && vm.checkpoints.includes(checkpoint)),
          heartbeatEnabled: true,
          state: vm.state,
          hyperv: '2.0.0.0 (double)',
        });
      }
      default:
        return fail('double: a script it does not recognise');
    }
  } finally {
    writeDouble(config, state);
  }
}

function recognise(script: string): string {
  if (script.includes('Restore-VMCheckpoint -VMSnapshot $checkpoints[0] -Confirm:$false')) return 'restore';
  if (script.includes('Get-VMFirmware')) return 'facts';
  if (script.includes('Get-WinEvent') && script.includes('Id = 18590')) return 'worker-events';
  if (script.includes('Get-VMIntegrationService')) return 'status';
  if (script.includes('Start-VM -VM $vm')) return 'start';
  if (script.includes('Stop-VM -VM $vm -TurnOff -Force')) return 'turn-off';
  return 'unknown';
}

/** The VM's disk goes back to the checkpoint: what the run wrote and the events after it are gone. */
async function restoreGuest(config: ShimConfig, vm: DoubleVm): Promise<void> {
  await killPrefix(config.prefix);
  for (const path of vm.resetPaths) {
    const local = hostPath(config, path);
    if (local) rmSync(local, { recursive: true, force: true });
  }
  const events = statePaths(config).events;
  try {
    const list = JSON.parse(readFileSync(events, 'utf8')) as unknown[];
    writeFileSync(events, JSON.stringify(list.slice(0, vm.checkpointEvents), null, 1));
  } catch {
    // No events yet.
  }
  rmSync(statePaths(config).dbgview, { force: true });
}

/** Called by the guest shim when it simulates a bugcheck: the host sees it as Hyper-V would. */
export function guestBugchecked(config: ShimConfig, codes: string[]): void {
  const state = readDouble(config);
  if (!state) return;
  for (const vm of state.vms.filter((v) => v.state === 'Running')) {
    vm.crashed = { polls: 0, rebootAfterPolls: 3 };
    state.workerEvents.push({
      vmId: vm.id,
      time: new Date().toISOString(),
      message: `'${vm.name}' has encountered a fatal error. The guest operating system reported that it failed with the following error codes: ${codes.map((c, i) => `ErrorCode${i}: ${c}`).join(', ')}. If the problem persists, contact Product Support for the guest operating system. (Virtual machine ID ${vm.id})`,
    });
  }
  writeDouble(config, state);
}
