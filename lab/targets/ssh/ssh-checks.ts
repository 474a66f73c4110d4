import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../../doctor/check.js';
import { LabError } from '../../errors/lab-error.js';
import { cmdCommandLine } from './cmd-command-line.js';
import type { GuestSettings } from './guest-settings.js';
import { endpointText } from './ssh-endpoint.js';
import type { SshLink } from './ssh-link.js';
import { joinWindowsPath } from './windows-path.js';

const DEBUG_PRINT_FILTER = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Debug Print Filter';
const COMMAND_PROCESSOR = 'HKLM\\Software\\Microsoft\\Command Processor';

/**
 * `lab doctor` for a Windows machine over SSH: reachable, its host key, and what a driver run needs there
 * (test signing, the Debug Print Filter, DbgView, a writable guest folder, free disk, cmd.exe as lab
 * quotes for it). Each failure says how to fix it on the machine.
 */
export async function sshChecks(link: SshLink, guest: GuestSettings, buildDir: string, label = 'machine'): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const where = endpointText(link.endpoint);
  let connected = false;
  try {
    const connection = await link.connection();
    connected = true;
    checks.push({ name: `${label} reachable over SSH`, ok: true, found: where });
    const key = connection.hostKey;
    const how =
      key?.kind === 'trusted-first-use'
        ? `recorded on first use in ${key.file}`
        : key?.kind === 'trusted'
          ? key.how === 'fingerprint'
            ? 'matches the pinned fingerprint'
            : 'matches known_hosts'
          : 'checked';
    checks.push({ name: `${label} host key`, ok: true, found: `${key && 'keyType' in key ? `${key.keyType} ` : ''}${key?.fingerprint ?? ''} (${how})` });
  } catch (error) {
    const [problem, fix] = splitFix(error);
    checks.push({ name: `${label} reachable over SSH`, ok: false, found: problem, ...(fix ? { fix } : {}) });
  }
  if (!connected) return checks;

  const run = (argv: string[], what: string) =>
    link.run(cmdCommandLine(argv), { what }).catch((error: Error) => ({ exitCode: null, stdout: '', stderr: error.message }));
  const ver = await run(['ver'], 'asking the Windows version');
  checks.push({
    name: `${label} Windows`,
    ok: ver.exitCode === 0,
    found: ver.stdout.trim() || ver.stderr.trim() || 'no answer',
    ...(ver.exitCode === 0 ? {} : { fix: 'the default shell must be cmd.exe (HKLM:\\SOFTWARE\\OpenSSH DefaultShell unset)' }),
  });

  const bcd = await run(['bcdedit', '/enum', '{current}'], 'reading the boot configuration');
  const signing = /^\s*testsigning\s+(Yes|No)/im.exec(bcd.stdout)?.[1];
  checks.push(
    signing === 'Yes'
      ? { name: `${label} test signing`, ok: true, found: 'on' }
      : {
          name: `${label} test signing`,
          ok: false,
          found: signing ? 'off' : `not readable (${(bcd.stderr || bcd.stdout).trim().split(/\r?\n/)[0] || `exit ${bcd.exitCode}`})`,
          fix: signing
            ? 'as administrator on the machine: `bcdedit /set testsigning on` (Secure Boot must be off), then reboot'
            : 'log in as an administrator (bcdedit needs an elevated session)',
        },
  );

  const filter = await run(['reg', 'query', DEBUG_PRINT_FILTER, '/v', 'DEFAULT'], 'reading the Debug Print Filter');
  const mask = /DEFAULT\s+REG_DWORD\s+(0x[0-9a-f]+)/i.exec(filter.stdout)?.[1];
  const filterOk = mask !== undefined && (Number(mask) & 0x0f) === 0x0f;
  checks.push({
    name: `${label} Debug Print Filter`,
    ok: filterOk,
    found: mask ? `DEFAULT = ${mask}` : 'not set (DbgPrint output is filtered)',
    ...(filterOk ? {} : { fix: `as administrator: \`reg add "${DEBUG_PRINT_FILTER}" /v DEFAULT /t REG_DWORD /d 0xffffffff /f\`, then reboot` }),
  });

  const expansion = await run(['reg', 'query', COMMAND_PROCESSOR, '/v', 'DelayedExpansion'], 'reading cmd.exe settings');
  const delayed = /DelayedExpansion\s+REG_DWORD\s+(0x[0-9a-f]+)/i.exec(expansion.stdout)?.[1];
  checks.push({
    name: `${label} cmd.exe delayed expansion`,
    ok: !delayed || Number(delayed) === 0,
    found: delayed && Number(delayed) !== 0 ? 'on' : 'off',
    ...(delayed && Number(delayed) !== 0
      ? { fix: `lab quotes commands for cmd.exe's default; remove it: \`reg delete "${COMMAND_PROCESSOR}" /v DelayedExpansion /f\`` }
      : {}),
  });

  const files = await (await link.connection()).files();
  if (guest.dbgview) {
    const found = await files.stat(guest.dbgview).catch(() => undefined);
    checks.push({
      name: `${label} DbgView`,
      ok: Boolean(found),
      found: found ? guest.dbgview : `${guest.dbgview} is missing`,
      ...(found ? {} : { fix: `copy Sysinternals Dbgview.exe to ${guest.dbgview} (https://learn.microsoft.com/sysinternals/downloads/debugview)` }),
    });
  } else {
    checks.push({
      name: `${label} DbgView`,
      ok: false,
      optional: true,
      found: 'not configured: no DbgPrint stream (the driver log file is still collected)',
      fix: 'install Sysinternals Dbgview.exe there and set `dbgview:` in the inventory entry',
    });
  }

  try {
    const probe = joinWindowsPath(guest.guestDir, 'lab-doctor.txt');
    await files.writeText(probe, 'lab doctor\r\n');
    await files.remove(probe);
    checks.push({ name: `${label} guest folder`, ok: true, found: `${guest.guestDir} is writable` });
  } catch (error) {
    checks.push({
      name: `${label} guest folder`,
      ok: false,
      found: `${guest.guestDir}: ${(error as Error).message}`,
      fix: 'the SSH user must be able to create and write that folder (an administrator, for loading drivers anyway)',
    });
  }
  const free = await files.freeBytes(`${guest.guestDir.slice(0, 2)}\\`);
  checks.push(
    free === undefined
      ? { name: `${label} free disk`, ok: true, optional: true, found: 'unknown (the SFTP server does not report it)' }
      : {
          name: `${label} free disk`,
          ok: free >= 1024 ** 3,
          found: `${(free / 1024 ** 3).toFixed(1)} GB free on ${guest.guestDir.slice(0, 2)}`,
          ...(free >= 1024 ** 3 ? {} : { fix: 'free at least 1 GB (crash dumps need room too)' }),
        },
  );

  for (const file of ['lab-guest.exe', 'objdev.sys']) {
    const path = join(buildDir, file);
    const ok = await access(path).then(
      () => true,
      () => false,
    );
    checks.push({ name: `driver/build/${file}`, ok, found: ok ? 'built' : 'missing', ...(ok ? {} : { fix: 'run `lab build` (or `npm run build`)' }) });
  }
  return checks;
}

/** A LabError's message is `problem. Fix: fix`; a doctor line shows them apart. */
export function splitFix(error: unknown): [string, string | undefined] {
  const message = error instanceof LabError || error instanceof Error ? error.message : String(error);
  const at = message.indexOf(' Fix: ');
  return at < 0 ? [message, undefined] : [message.slice(0, at), message.slice(at + 6)];
}
