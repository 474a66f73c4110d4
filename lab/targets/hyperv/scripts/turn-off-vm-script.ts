import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/** Pulls the plug (no guest shutdown): used on teardown, where the next run restores a checkpoint anyway. */
export function turnOffVmScript(vm: string): PsCode {
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  if ($vm.State -ne 'Off') { Stop-VM -VM $vm -TurnOff -Force }
  Write-LabResult @{ state = [string](Get-VM -Id $vm.Id).State }`);
}
