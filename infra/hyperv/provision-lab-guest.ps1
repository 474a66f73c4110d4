<#
.SYNOPSIS
  Step 3 (on the Hyper-V host, as administrator): configure the installed guest through PowerShell Direct
  and reboot it so every boot-time setting is in place.
.DESCRIPTION
  Runs configure-lab-guest.ps1 inside the VM with Invoke-Command -VMName (PowerShell Direct: no network
  needed, always with a credential), then restarts the VM and waits for its heartbeat. Idempotent, like
  the script it runs.
.EXAMPLE
  .\provision-lab-guest.ps1 -Name lab-win11 -PublicKeyPath $HOME\.ssh\lab_ed25519.pub
#>
param(
  [Parameter(Mandatory)] [string] $Name,
  [Parameter(Mandatory)] [string] $PublicKeyPath,
  [pscredential] $Credential = (Get-Credential -Message "administrator of the guest in VM '$Name'"),
  [int] $TimeoutSeconds = 600
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = @(Get-VM | Where-Object { $_.Name -eq $Name })
if ($vm.Count -ne 1) { throw "expected one VM named '$Name', found $($vm.Count)" }
$vm = $vm[0]
if ($vm.State -ne 'Running') { Start-VM -VM $vm }
Wait-VM -VM $vm -For Heartbeat -Timeout $TimeoutSeconds

$publicKey = (Get-Content -LiteralPath $PublicKeyPath -Raw).Trim()
$result = Invoke-Command -VMName $vm.Name -Credential $Credential -FilePath (Join-Path $PSScriptRoot 'configure-lab-guest.ps1') -ArgumentList $publicKey
Write-Host "guest configured; host key: $($result.HostKey)"

# Always restart: the checkpoint must be taken from a boot that has every setting in place.
Write-Host "restarting VM '$Name'"
Restart-VM -VM $vm -Force -Wait -For Heartbeat -Timeout $TimeoutSeconds
Write-Host 'next: new-lab-checkpoint.ps1 once the guest has settled.'
