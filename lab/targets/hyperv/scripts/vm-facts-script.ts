import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/** What `lab doctor` checks on the host for one VM: generation, Secure Boot, checkpoint type, the checkpoint, the heartbeat service. */
export function vmFactsScript(vm: string, checkpoint: string): PsCode {
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  $secureBoot = 'n/a'
  if ($vm.Generation -eq 2) { $secureBoot = [string](Get-VMFirmware -VM $vm).SecureBoot }
  $heartbeat = @(Get-VMIntegrationService -VM $vm | Where-Object { $_.Id -like '*84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47' -or $_.Name -eq 'Heartbeat' })
  Write-LabResult @{
    generation = [int]$vm.Generation
    secureBoot = $secureBoot
    checkpointType = [string]$vm.CheckpointType
    checkpoint = (@(Get-VMCheckpoint -VM $vm | Where-Object { $_.Name -eq ${checkpoint} }).Count -eq 1)
    heartbeatEnabled = $(if ($heartbeat.Count -gt 0) { [bool]$heartbeat[0].Enabled } else { $false })
    state = [string]$vm.State
    hyperv = [string](Get-Module -ListAvailable -Name Hyper-V | Select-Object -First 1).Version
  }`);
}

export interface VmFacts {
  generation: number;
  secureBoot: string;
  checkpointType: string;
  checkpoint: boolean;
  heartbeatEnabled: boolean;
  state: string;
  hyperv: string;
}
