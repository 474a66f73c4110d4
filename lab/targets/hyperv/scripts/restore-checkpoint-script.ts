import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/**
 * Back to the clean checkpoint: turn the VM off if it runs (a hard power-off: whatever the last run left
 * is thrown away anyway), then restore. A Standard checkpoint holds memory, so the VM comes back Saved and
 * Start-VM resumes it where the checkpoint was taken. Returns the host's clock, so crash events can be
 * looked up "since the restore" on the host's own time.
 */
export function restoreCheckpointScript(vm: string, checkpoint: string): PsCode {
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  $checkpoints = @(Get-VMCheckpoint -VM $vm | Where-Object { $_.Name -eq ${checkpoint} })
  if ($checkpoints.Count -ne 1) { throw ('expected one checkpoint named ''{0}'' on VM ''{1}'', found {2}' -f ${checkpoint}, $vm.Name, $checkpoints.Count) }
  if ($vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force }
  Restore-VMCheckpoint -VMSnapshot $checkpoints[0] -Confirm:$false
  Write-LabResult @{ state = [string](Get-VM -Id $vm.Id).State; hostTime = (Get-Date).ToUniversalTime().ToString('o') }`);
}
