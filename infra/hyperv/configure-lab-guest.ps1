<#
.SYNOPSIS
  Step 2 (inside the guest, as administrator; provision-lab-guest.ps1 runs it through PowerShell Direct):
  everything a test-signed driver run needs in Windows.
.DESCRIPTION
  Idempotent: each setting is read first and written only when it differs. Takes effect after a reboot
  (provision-lab-guest.ps1 reboots); the lab-clean checkpoint must be taken after that reboot.
    - test signing on (bcdedit), so a driver signed with lab's test certificate loads;
    - the Debug Print Filter (DEFAULT and IHVDRIVER = 0xffffffff), so DbgPrint reaches DbgView;
    - crash dumps: a small memory dump (minidump) per crash, automatic reboot, the event logged, so a
      bugcheck leaves C:\Windows\Minidump\*.dmp and event 1001 naming it for lab to copy before the
      checkpoint restore (pass -KernelDump for a kernel memory dump; lab copies dumps up to 256 MiB);
    - the OpenSSH server, started automatically, its firewall rule, cmd.exe as its shell, and the lab's
      public key in administrators_authorized_keys with the permissions sshd insists on.
.EXAMPLE
  .\configure-lab-guest.ps1 -PublicKey (Get-Content $HOME\.ssh\lab_ed25519.pub)
#>
param(
  [Parameter(Mandatory)] [string] $PublicKey,
  [switch] $KernelDump
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$rebootNeeded = $false

function Set-RegistryDword([string] $Path, [string] $Name, [uint32] $Value) {
  if (-not (Test-Path -LiteralPath $Path)) { New-Item -Path $Path -Force | Out-Null }
  $current = (Get-ItemProperty -LiteralPath $Path -Name $Name -ErrorAction SilentlyContinue)
  if ($null -eq $current -or [uint32]$current.$Name -ne $Value) {
    Write-Host "setting $Path\$Name = 0x$($Value.ToString('x'))"
    New-ItemProperty -LiteralPath $Path -Name $Name -PropertyType DWord -Value ([int]$Value) -Force | Out-Null
    return $true
  }
  return $false
}

# Test signing (fails while Secure Boot is on: new-lab-vm.ps1 turns it off).
$bcd = (& bcdedit.exe /enum '{current}') -join "`n"
if ($bcd -notmatch 'testsigning\s+Yes') {
  Write-Host 'turning test signing on'
  & bcdedit.exe /set testsigning on
  if ($LASTEXITCODE -ne 0) { throw 'bcdedit /set testsigning on failed (is Secure Boot off?)' }
  $rebootNeeded = $true
}

# DbgPrint is filtered since Vista unless the Debug Print Filter lets it through.
$filter = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Debug Print Filter'
if (Set-RegistryDword $filter 'DEFAULT' 0xffffffff) { $rebootNeeded = $true }
if (Set-RegistryDword $filter 'IHVDRIVER' 0xffffffff) { $rebootNeeded = $true }

# Crash dumps: a small memory dump (3) by default, small enough for lab to copy every time; a kernel
# memory dump (2) on request. Reboot after the dump, and log event 1001 naming the file.
$crash = 'HKLM:\SYSTEM\CurrentControlSet\Control\CrashControl'
$dumpType = if ($KernelDump) { 2 } else { 3 }
if (Set-RegistryDword $crash 'CrashDumpEnabled' $dumpType) { $rebootNeeded = $true }
[void](Set-RegistryDword $crash 'Overwrite' 1)
[void](Set-RegistryDword $crash 'AutoReboot' 1)
[void](Set-RegistryDword $crash 'LogEvent' 1)

# OpenSSH server.
$capability = Get-WindowsCapability -Online | Where-Object { $_.Name -like 'OpenSSH.Server*' } | Select-Object -First 1
if ($null -eq $capability) { throw 'this Windows has no OpenSSH.Server capability (Windows 10 1809 or later is needed)' }
if ($capability.State -ne 'Installed') {
  Write-Host 'installing the OpenSSH server'
  Add-WindowsCapability -Online -Name $capability.Name | Out-Null
}
if ((Get-Service sshd).StartType -ne 'Automatic') { Set-Service -Name sshd -StartupType Automatic }
if ((Get-Service sshd).Status -ne 'Running') { Start-Service sshd }
if (-not (Get-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -ErrorAction SilentlyContinue)) {
  New-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -DisplayName 'OpenSSH Server (sshd)' -Enabled True -Direction Inbound -Protocol TCP -Action Allow -LocalPort 22 | Out-Null
}
# lab quotes its commands for cmd.exe, the default shell; another DefaultShell would misread them.
$openssh = 'HKLM:\SOFTWARE\OpenSSH'
if ((Get-ItemProperty -LiteralPath $openssh -Name DefaultShell -ErrorAction SilentlyContinue)) {
  Write-Host 'removing DefaultShell: lab expects cmd.exe'
  Remove-ItemProperty -LiteralPath $openssh -Name DefaultShell
}

# The lab's key for administrators: sshd ignores the file unless only Administrators and SYSTEM can write it.
$keys = Join-Path $env:ProgramData 'ssh\administrators_authorized_keys'
$present = (Test-Path -LiteralPath $keys) -and ((Get-Content -LiteralPath $keys) -contains $PublicKey.Trim())
if (-not $present) {
  Write-Host "adding the lab's public key to $keys"
  Add-Content -LiteralPath $keys -Value $PublicKey.Trim() -Encoding ascii
}
& icacls.exe $keys /inheritance:r /grant 'Administrators:F' /grant 'SYSTEM:F' | Out-Null

$fingerprint = (& ssh-keygen.exe -lf (Join-Path $env:ProgramData 'ssh\ssh_host_ed25519_key.pub')) -join ' '
Write-Host "guest host key (pin it as hostKey.fingerprint in infra/targets.yaml): $fingerprint"
if ($rebootNeeded) { Write-Host 'REBOOT NEEDED: test signing and the Debug Print Filter take effect after a restart.' }
[pscustomobject]@{ RebootNeeded = $rebootNeeded; HostKey = $fingerprint }
