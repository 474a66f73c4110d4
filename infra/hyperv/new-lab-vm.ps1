<#
.SYNOPSIS
  Step 1 (on the Hyper-V host, as administrator): a Generation 2 VM ready for test-signed drivers.
.DESCRIPTION
  Idempotent: every setting is checked first and changed only when it differs, so the script can be run
  again after any failure. Creates the VM from an installation ISO or an existing VHDX, turns Secure Boot
  off (test signing is refused under Secure Boot), makes checkpoints Standard (they keep memory, so a
  revert resumes instead of booting), turns automatic checkpoints off and the integration services lab
  needs on (Heartbeat: is the guest alive; Key-Value Pair Exchange: its IP address).
.EXAMPLE
  .\new-lab-vm.ps1 -Name lab-win11 -IsoPath D:\iso\Win11_Enterprise_Eval.iso
  .\new-lab-vm.ps1 -Name lab-win11 -VhdxPath D:\vhd\win11-sysprepped.vhdx
#>
[CmdletBinding(DefaultParameterSetName = 'Iso')]
param(
  [Parameter(Mandatory)] [string] $Name,
  [Parameter(Mandatory, ParameterSetName = 'Iso')] [string] $IsoPath,
  [Parameter(Mandatory, ParameterSetName = 'Vhdx')] [string] $VhdxPath,
  [string] $SwitchName = 'Default Switch',
  [string] $VmFolder = (Get-VMHost).VirtualMachinePath,
  [int] $MemoryGB = 4,
  [int] $ProcessorCount = 2,
  [int] $DiskGB = 64
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$GiB = [int64]1073741824

function Get-LabVm([string] $VmName) {
  # Exact name: -Name parameters of the Hyper-V cmdlets take wildcards.
  @(Get-VM | Where-Object { $_.Name -eq $VmName })
}

$existing = Get-LabVm $Name
if ($existing.Count -gt 1) { throw "more than one VM is named '$Name'; rename the others first" }
if ($existing.Count -eq 0) {
  Write-Host "creating VM '$Name' (generation 2)"
  $common = @{ Name = $Name; Generation = 2; MemoryStartupBytes = $MemoryGB * $GiB; SwitchName = $SwitchName; Path = $VmFolder }
  if ($PSCmdlet.ParameterSetName -eq 'Vhdx') {
    New-VM @common -VHDPath $VhdxPath | Out-Null
  } else {
    $disk = Join-Path $VmFolder "$Name\$Name.vhdx"
    New-VM @common -NewVHDPath $disk -NewVHDSizeBytes ($DiskGB * $GiB) | Out-Null
  }
} else {
  Write-Host "VM '$Name' exists; checking its settings"
}
$vm = (Get-LabVm $Name)[0]
if ($vm.Generation -ne 2) { throw "VM '$Name' is generation $($vm.Generation); lab's provisioning expects generation 2 (create a new VM)" }

# Firmware settings can only change while the VM is off.
$firmware = Get-VMFirmware -VM $vm
if ($firmware.SecureBoot -ne 'Off') {
  if ($vm.State -ne 'Off') { throw "turn VM '$Name' off first: Secure Boot can only be changed while it is off" }
  Write-Host 'turning Secure Boot off (test signing needs it off)'
  Set-VMFirmware -VM $vm -EnableSecureBoot Off
}

if ($vm.CheckpointType -ne 'Standard' -or $vm.AutomaticCheckpointsEnabled) {
  Write-Host 'checkpoints: Standard (with memory), automatic checkpoints off'
  Set-VM -VM $vm -CheckpointType Standard -AutomaticCheckpointsEnabled $false
}
if ($vm.ProcessorCount -ne $ProcessorCount -and $vm.State -eq 'Off') { Set-VMProcessor -VM $vm -Count $ProcessorCount }

# Heartbeat, Key-Value Pair Exchange and Guest Service Interface, found by component id (names are localized).
$wanted = @('84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47', '2A34B1C2-FD73-4043-8A5B-DD2159BC743F', '6C09BB55-D683-4DA0-8931-C9BF705F6480')
foreach ($service in Get-VMIntegrationService -VM $vm) {
  $id = ($service.Id -split '\\')[-1]
  if ($wanted -contains $id -and -not $service.Enabled) {
    Write-Host "enabling integration service $($service.Name)"
    Enable-VMIntegrationService -VMIntegrationService $service
  }
}

if ($PSCmdlet.ParameterSetName -eq 'Iso') {
  $dvd = @(Get-VMDvdDrive -VM $vm | Where-Object { $_.Path -eq $IsoPath })
  if ($dvd.Count -eq 0) {
    Write-Host "attaching $IsoPath and booting from it first"
    Add-VMDvdDrive -VM $vm -Path $IsoPath
    $dvd = @(Get-VMDvdDrive -VM $vm | Where-Object { $_.Path -eq $IsoPath })
  }
  if ($vm.State -eq 'Off') { Set-VMFirmware -VM $vm -FirstBootDevice $dvd[0] }
}

Write-Host "done: VM '$Name' is generation 2, Secure Boot off, Standard checkpoints."
Write-Host 'next: install Windows in it (an administrator account lab will log in with), then run provision-lab-guest.ps1.'
