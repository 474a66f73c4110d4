import { hypervScript } from '../powershell/hyperv-script.js';
import { ps, type PsCode } from '../powershell/ps-script.js';

/** Starts (or resumes, from a Standard checkpoint) the VM. */
export function startVmScript(vm: string): PsCode {
  return hypervScript(ps`  $vm = Get-LabVm -Name ${vm}
  if ($vm.State -ne 'Running') { Start-VM -VM $vm }
  Write-LabResult @{ state = [string](Get-VM -Id $vm.Id).State }`);
}
