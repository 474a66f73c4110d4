import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/**
 * The VM's state, its heartbeat (the Heartbeat integration service's operational status: `Ok` once the
 * guest runs its integration services) and the IPv4 addresses the KVP service reports. The heartbeat is
 * found by its component id (the same in every language); by name as a fallback.
 */
export function vmStatusScript(vm: string): PsCode {
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  $heartbeat = @(Get-VMIntegrationService -VM $vm | Where-Object { $_.Id -like '*84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47' -or $_.Name -eq 'Heartbeat' })
  $ips = @($vm.NetworkAdapters | ForEach-Object { $_.IPAddresses } | Where-Object { $_ -match '^\\d{1,3}(\\.\\d{1,3}){3}$' })
  Write-LabResult @{
    state = [string]$vm.State
    heartbeat = $(if ($heartbeat.Count -gt 0) { [string]$heartbeat[0].PrimaryOperationalStatus } else { 'Missing' })
    heartbeatEnabled = $(if ($heartbeat.Count -gt 0) { [bool]$heartbeat[0].Enabled } else { $false })
    uptimeSeconds = [int]$vm.Uptime.TotalSeconds
    ips = @($ips)
    hostTime = (Get-Date).ToUniversalTime().ToString('o')
  }`);
}

export interface VmStatus {
  state: string;
  heartbeat: string;
  heartbeatEnabled: boolean;
  uptimeSeconds: number;
  ips: string[];
  hostTime: string;
}
