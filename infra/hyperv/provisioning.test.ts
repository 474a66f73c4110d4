import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePowerShell } from '../../lab/testing/powershell-parser.js';

/**
 * The provisioning scripts cannot run here (no Windows, no Hyper-V): they are parsed with
 * tree-sitter-powershell and checked for the steps infra/README.md promises, each guarded so that a second
 * run changes nothing.
 */
const DIR = import.meta.dirname;
const read = (name: string) => readFile(join(DIR, name), 'utf8');

describe('infra/hyperv provisioning scripts (parsed, not run)', () => {
  it('every script parses without errors, stops on the first error and uses strict mode', async () => {
    const scripts = (await readdir(DIR)).filter((f) => f.endsWith('.ps1'));
    expect(scripts.sort()).toEqual(['configure-lab-guest.ps1', 'new-lab-checkpoint.ps1', 'new-lab-vm.ps1', 'provision-lab-guest.ps1']);
    for (const name of scripts) {
      const text = await read(name);
      const parsed = await parsePowerShell(text);
      expect(parsed.hasError, `${name}: ${parsed.errorAt}`).toBe(false);
      expect(text, name).toMatch(/^Set-StrictMode -Version Latest\r?\n\$ErrorActionPreference = 'Stop'/m);
      // VMs are found by exact name, never through -Name wildcards.
      expect(text, name).not.toMatch(/Get-VM -Name|Get-VM \$Name/);
    }
  });

  it('new-lab-vm.ps1: Gen2, Secure Boot off, Standard checkpoints, automatic ones off; each change only when needed', async () => {
    const text = await read('new-lab-vm.ps1');
    const parsed = await parsePowerShell(text);
    expect(parsed.commands).toEqual(expect.arrayContaining(['New-VM', 'Set-VMFirmware', 'Set-VM', 'Enable-VMIntegrationService']));
    expect(text).toMatch(/if \(\$existing\.Count -eq 0\) \{[\s\S]*New-VM @common/);
    expect(text).toMatch(/Generation = 2/);
    expect(text).toMatch(/if \(\$firmware\.SecureBoot -ne 'Off'\) \{[\s\S]*Set-VMFirmware -VM \$vm -EnableSecureBoot Off/);
    expect(text).toMatch(
      /if \(\$vm\.CheckpointType -ne 'Standard' -or \$vm\.AutomaticCheckpointsEnabled\) \{[\s\S]*-CheckpointType Standard -AutomaticCheckpointsEnabled \$false/,
    );
  });

  it('configure-lab-guest.ps1: test signing, Debug Print Filter, crash dumps, OpenSSH with the lab key; each read before it is written', async () => {
    const text = await read('configure-lab-guest.ps1');
    expect(text).toMatch(/if \(\$bcd -notmatch 'testsigning\\s\+Yes'\) \{[\s\S]*bcdedit\.exe \/set testsigning on/);
    expect(text).toMatch(/Session Manager\\Debug Print Filter'[\s\S]*'DEFAULT' 0xffffffff[\s\S]*'IHVDRIVER' 0xffffffff/);
    expect(text).toMatch(/CrashControl'[\s\S]*\$dumpType = if \(\$KernelDump\) \{ 2 \} else \{ 3 \}[\s\S]*'CrashDumpEnabled' \$dumpType/);
    expect(text).toMatch(/if \(\$null -eq \$current -or \[uint32\]\$current\.\$Name -ne \$Value\)/);
    expect(text).toMatch(/OpenSSH\.Server[\s\S]*if \(\$capability\.State -ne 'Installed'\)[\s\S]*Add-WindowsCapability/);
    expect(text).toMatch(/administrators_authorized_keys[\s\S]*if \(-not \$present\)[\s\S]*icacls\.exe \$keys \/inheritance:r/);
    expect(text).toMatch(/Remove-ItemProperty -LiteralPath \$openssh -Name DefaultShell/);
  });

  it('provision-lab-guest.ps1 and new-lab-checkpoint.ps1: PowerShell Direct with a credential, a reboot, then the checkpoint after the heartbeat and an address', async () => {
    const provision = await read('provision-lab-guest.ps1');
    expect(provision).toMatch(/Invoke-Command -VMName \$vm\.Name -Credential \$Credential -FilePath/);
    expect(provision).toMatch(/Restart-VM -VM \$vm -Force -Wait -For Heartbeat/);
    const checkpoint = await read('new-lab-checkpoint.ps1');
    expect(checkpoint).toMatch(/until \(\(\$ready -and \$ips\.Count -gt 0\) -or/);
    expect(checkpoint).toMatch(
      /foreach \(\$checkpoint in \$old\) \{[\s\S]*Remove-VMCheckpoint[\s\S]*\}\r?\nCheckpoint-VM -VM \$vm -SnapshotName \$CheckpointName/,
    );
  });
});
