import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/**
 * Event 18590 in the host's Hyper-V-Worker-Admin log ("the guest operating system reported that it failed
 * with the following error codes") for this VM since a point in time on the host's clock. The VM is
 * matched by its id in the message (a GUID, the same in every language).
 */
export function workerCrashEventsScript(vm: string, since: Date): PsCode {
  const filter = ps`@{ LogName = 'Microsoft-Windows-Hyper-V-Worker-Admin'; Id = 18590; StartTime = $since }`;
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  $since = ${since}
  $id = [string]$vm.Id
  $events = @(Get-WinEvent -FilterHashtable ${filter} -ErrorAction SilentlyContinue | Where-Object { $_.Message.Contains($id) })
  Write-LabResult @{ events = @($events | ForEach-Object { @{ time = $_.TimeCreated.ToUniversalTime().ToString('o'); message = $_.Message } }) }`);
}

export interface WorkerCrashEvent {
  time: string;
  message: string;
}

/** `ErrorCode0: 0x3B, ErrorCode1: 0xC0000005, ...` → `0x3B (0xC0000005, ...)`, the form event 1001 uses. */
export function stopCodeOf(message: string): string | undefined {
  const codes = [...message.matchAll(/ErrorCode(\d)\s*:\s*(0x[0-9A-Fa-f]+)/g)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2]!);
  if (codes.length === 0) return undefined;
  return codes.length === 1 ? codes[0] : `${codes[0]} (${codes.slice(1).join(', ')})`;
}
