<#
.SYNOPSIS
  Step 4 (on the Hyper-V host, as administrator): the clean checkpoint lab restores before every run.
.DESCRIPTION
  Waits for the heartbeat and an IPv4 address, lets the guest settle (services finish starting, so every
  restore resumes into the same quiet state), then replaces the checkpoint of that name with a new
  Standard checkpoint (with memory: Start-VM after a restore resumes in seconds). Idempotent: running it
  again re-takes the checkpoint.
.EXAMPLE
  .\new-lab-checkpoint.ps1 -Name lab-win11
#>
param(
  [Parameter(Mandatory)] [string] $Name,
  [string] $CheckpointName = 'lab-clean',
  [int] $SettleSeconds = 120,
  [int] $TimeoutSeconds = 600
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$vm = @(Get-VM | Where-Object { $_.Name -eq $Name })
if ($vm.Count -ne 1) { throw "expected one VM named '$Name', found $($vm.Count)" }
$vm = $vm[0]
if ($vm.CheckpointType -ne 'Standard') { throw "VM '$Name' takes $($vm.CheckpointType) checkpoints; run new-lab-vm.ps1 first" }
if ($vm.State -ne 'Running') { Start-VM -VM $vm }

$deadline = (Get-Date).AddSeconds($TimeoutSeconds)
do {
  Start-Sleep -Seconds 2
  $vm = Get-VM -Id $vm.Id
  $heartbeat = @(Get-VMIntegrationService -VM $vm | Where-Object { $_.Id -like '*84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47' })
  $ready = $heartbeat.Count -eq 1 -and [string]$heartbeat[0].PrimaryOperationalStatus -eq 'Ok'
  $ips = @($vm.NetworkAdapters | ForEach-Object { $_.IPAddresses } | Where-Object { $_ -match '^\d{1,3}(\.\d{1,3}){3}$' })
} until (($ready -and $ips.Count -gt 0) -or (Get-Date) -gt $deadline)
if (-not ($ready -and $ips.Count -gt 0)) { throw "VM '$Name' has no heartbeat and IPv4 address after $TimeoutSeconds s" }

Write-Host "guest is up at $($ips[0]); letting it settle for $SettleSeconds s"
Start-Sleep -Seconds $SettleSeconds

$old = @(Get-VMCheckpoint -VM $vm | Where-Object { $_.Name -eq $CheckpointName })
foreach ($checkpoint in $old) {
  Write-Host "removing the old checkpoint '$CheckpointName'"
  Remove-VMCheckpoint -VMSnapshot $checkpoint -Confirm:$false
}
Checkpoint-VM -VM $vm -SnapshotName $CheckpointName
Write-Host "checkpoint '$CheckpointName' of VM '$Name' taken; add the VM to infra/targets.yaml (kind: hyperv)."
