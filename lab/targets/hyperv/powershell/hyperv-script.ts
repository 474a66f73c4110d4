import { ps, psJoin, type PsCode } from './ps-script.js';

/**
 * Every script lab runs on a Hyper-V host has this shape: stop at the first error, no progress records
 * (they arrive as CLIXML noise over SSH), one JSON object on stdout, `{ "ok": false, "error": ... }` and
 * exit 1 when anything failed. `Get-LabVm` finds a VM by exact name: Hyper-V's -Name parameters take
 * wildcards, so a VM named `*` would otherwise mean every VM on the host.
 */
export function hypervScript(body: PsCode): PsCode {
  return psJoin([
    ps`$ErrorActionPreference = 'Stop'`,
    ps`$ProgressPreference = 'SilentlyContinue'`,
    ps`function Get-LabVm([string] $Name) {`,
    ps`  $found = @(Get-VM | Where-Object { $_.Name -eq $Name })`,
    ps`  if ($found.Count -ne 1) { throw ('expected one VM named ''{0}'' on this host, found {1}' -f $Name, $found.Count) }`,
    ps`  return $found[0]`,
    ps`}`,
    ps`function Write-LabResult([hashtable] $Result) {`,
    ps`  $Result['ok'] = $true`,
    ps`  [Console]::Out.WriteLine(($Result | ConvertTo-Json -Compress -Depth 6))`,
    ps`}`,
    ps`try {`,
    body,
    ps`} catch {`,
    ps`  [Console]::Out.WriteLine((@{ ok = $false; error = $_.Exception.Message } | ConvertTo-Json -Compress))`,
    ps`  exit 1`,
    ps`}`,
  ]);
}
