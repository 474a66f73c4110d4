/**
 * Every code lab gives an error on purpose: the `code` of the error classes, report.json's `error.code`,
 * what scripts and tests match on. One entry per code: the exit code it leads to and one line saying what
 * it means. The README's table of codes is generated from here (`npm run codes`) and a test holds the two
 * equal. UsageError takes only codes of exit 2 and HarnessError only codes of exit 3, so a code that is not
 * here, or is here with another exit code, does not compile.
 *
 * Alphabetical order (a test checks it), so that two changes adding codes touch different lines.
 */
import type { ExitCode } from './exit-code.js';

interface CodeEntry {
  exit: ExitCode;
  meaning: string;
}

export const ERROR_CODES = {
  LAB_BAD_DRIVER_NAME: {
    exit: 2,
    meaning: "the driver's file or service name is one the guest runner refuses (spaces, too long): rename it or set driver.service",
  },
  LAB_BAD_FILTER: { exit: 2, meaning: 'a `--filter` /regular expression/ does not compile' },
  LAB_BAD_REPORTER: { exit: 2, meaning: '`--reporter` names a reporter lab does not have' },
  LAB_BAD_SHARD: { exit: 2, meaning: '`--shard` is not i/n with 1 <= i <= n' },
  LAB_BUILD_FAILED: { exit: 3, meaning: '`make` failed building the driver, the guest programs or the mutants' },
  LAB_CHROMIUM_FAILED: { exit: 3, meaning: 'Chromium was found but did not start' },
  LAB_CHROMIUM_MISSING: { exit: 3, meaning: 'no Chromium at its path (`chromium`, or `LAB_CHROMIUM`)' },
  LAB_CMD_QUOTING: { exit: 2, meaning: 'a command for cmd.exe on an SSH or Hyper-V target holds a character cmd.exe cannot carry, or is longer than it takes' },
  LAB_DBGVIEW: { exit: 3, meaning: 'DbgView did not start its log on the Windows machine (SSH and Hyper-V targets)' },
  LAB_DOCTOR: { exit: 3, meaning: '`lab doctor` found the target not ready; its ✗ lines say what to fix' },
  LAB_FILE_MISSING: { exit: 2, meaning: "a file the command needs (the suite's driver or client, `--driver`, `--client`) is missing or not a regular file" },
  LAB_FILTER_EMPTY: { exit: 2, meaning: '`--filter` matches no case of the suite' },
  LAB_GUEST_PATH: { exit: 2, meaning: 'a guest path is not a plain C:\\ path (Wine target)' },
  LAB_GUEST_PATH_OUTSIDE: { exit: 2, meaning: "a guest path leads outside the Wine prefix's drive C: through a link" },
  LAB_GUEST_RUNNER: { exit: 3, meaning: 'the guest runner ended three sessions in a row before running any case' },
  LAB_GUEST_RUNNER_MISSING: { exit: 3, meaning: "the guest runner or the Wine target's own programs are not built" },
  LAB_HISTORY_EMPTY: { exit: 2, meaning: '`lab history` found no report.json in the folder' },
  LAB_HYPERV_BOOT_TIMEOUT: { exit: 3, meaning: 'the Hyper-V VM was not ready within its boot timeout' },
  LAB_HYPERV_HOST: { exit: 3, meaning: 'a Hyper-V host command failed (the module, elevation, the VM)' },
  LAB_HYPERV_VERIFIER: { exit: 3, meaning: 'Driver Verifier could not be turned on in the Hyper-V VM' },
  LAB_INTERNAL: { exit: 3, meaning: 'a bug in lab: an error it did not expect (`LAB_DEBUG=1` prints the stack)' },
  LAB_INTERRUPTED: { exit: 130, meaning: 'the run was interrupted (Ctrl-C, SIGTERM, SIGHUP); `lab gate` judges such a run 3 at best' },
  LAB_INVENTORY_INVALID: { exit: 2, meaning: 'the inventory (infra/targets.yaml) has mistakes, each at file:line:column' },
  LAB_INVENTORY_MISSING: { exit: 2, meaning: '`--target` names a machine and there is no inventory file' },
  LAB_MERGE_DUPLICATE: { exit: 2, meaning: '`lab merge` was given one shard twice' },
  LAB_MERGE_INCOMPLETE: { exit: 2, meaning: '`lab merge` misses shards (`--allow-partial` merges what there is)' },
  LAB_MERGE_MISMATCH: {
    exit: 2,
    meaning: '`lab merge` was given runs that are not the shards of one split (another suite, another shard count, an unsharded run)',
  },
  LAB_MERGE_NOTHING: { exit: 2, meaning: '`lab merge` was given no run folder' },
  LAB_MERGE_OUT_IS_INPUT: { exit: 2, meaning: '`lab merge --out` is one of its inputs' },
  LAB_MERGE_OVERLAP: { exit: 2, meaning: 'the same case is in two of the shards `lab merge` was given' },
  LAB_MERGE_PARTIAL: { exit: 3, meaning: 'a report merged with `--allow-partial` without some shards: their cases did not run' },
  LAB_MUTANT_CATALOG: { exit: 3, meaning: 'the mutant catalog (driver/kernel/mutants.json) cannot be read' },
  LAB_OUT_IN_USE: { exit: 2, meaning: 'another lab is writing in the `--out` folder (its lock is held)' },
  LAB_OUT_NOT_A_FOLDER: { exit: 2, meaning: '`--out` is a file or a dangling link, not a folder' },
  LAB_OUT_NOT_EMPTY: { exit: 2, meaning: "`--out` holds another run's files (`--resume` finishes that run)" },
  LAB_OUT_SYMLINK: { exit: 2, meaning: 'a run file lab would write is a symbolic link; lab never writes through one' },
  LAB_PAGE_NOT_READY: { exit: 3, meaning: 'report.html did not finish rendering in Chromium for the PDF or PNG export' },
  LAB_PAGE_SCRIPT_MISSING: { exit: 3, meaning: "a page's built script (lab/dist/pages/) is missing: `npm run build`" },
  LAB_PAGE_SCRIPT_UNSAFE: { exit: 3, meaning: "a page's built script holds `</script` and cannot be inlined: `npm run build`" },
  LAB_PLAN_INVALID: { exit: 2, meaning: "a case asks for what the guest runner's plan cannot carry (past its limits, a name with spaces)" },
  LAB_POWERSHELL_VALUE: { exit: 2, meaning: 'a value for a Hyper-V PowerShell script cannot be written as a literal (a NUL, not a whole number)' },
  LAB_QEMU_AGENT: { exit: 3, meaning: 'the guest agent in the QEMU VM failed a request, closed, or did not answer' },
  LAB_QEMU_AGENT_TIMEOUT: { exit: 3, meaning: 'the guest agent in the QEMU VM did not answer one request in time' },
  LAB_QEMU_BOOT: { exit: 3, meaning: 'the QEMU VM did not boot to the guest agent within its boot timeout' },
  LAB_QEMU_IMAGE: { exit: 3, meaning: "the QEMU target's disk or CD image cannot be prepared (decompressed)" },
  LAB_QEMU_QMP: { exit: 3, meaning: "QEMU's control socket (QMP) failed or closed" },
  LAB_QEMU_REQUEST: { exit: 3, meaning: 'the guest agent in the QEMU VM refused a request (its Win32 error is named)' },
  LAB_QEMU_SNAPSHOT: { exit: 3, meaning: 'QEMU could not save or load the clean snapshot' },
  LAB_QEMU_SOCKET: { exit: 3, meaning: "lab could not connect to one of QEMU's sockets" },
  LAB_QEMU_START: { exit: 3, meaning: 'QEMU exited as it started' },
  LAB_REPLAY: {
    exit: 2,
    meaning: '`lab fuzz --replay`: the folder is not an earlier lab fuzz run, or its calls came from another suite, other options or another version',
  },
  LAB_REPORT_INVALID: { exit: 2, meaning: 'a report.json read back is not one lab wrote (schema, size, nesting); the field is named' },
  LAB_REPORT_NOT_FOUND: { exit: 2, meaning: 'no report.json at the path given' },
  LAB_REPORT_TOO_NEW: { exit: 2, meaning: 'a report.json has a newer schemaVersion than this lab reads' },
  LAB_RESUME_BAD_RECORD: { exit: 2, meaning: "`--resume`: the folder's run.json is not one lab wrote" },
  LAB_RESUME_NOTHING: { exit: 2, meaning: '`--resume`: the folder holds no run.json' },
  LAB_RUN_DIR: { exit: 3, meaning: "the Wine target's folder for this run cannot be claimed" },
  LAB_RUN_ID: { exit: 2, meaning: 'a run id (from run.json) is not one plain folder name' },
  LAB_SSH_AGENT_MISSING: { exit: 2, meaning: 'the inventory asks for the SSH agent and `SSH_AUTH_SOCK` is not set' },
  LAB_SSH_AUTH: { exit: 3, meaning: 'the SSH server refused the login' },
  LAB_SSH_CLOSED: { exit: 3, meaning: 'a bug in lab: the SSH connection was used after the target was disposed' },
  LAB_SSH_COMMAND_TIMEOUT: { exit: 3, meaning: 'a command over SSH did not finish within its timeout' },
  LAB_SSH_CONNECT: { exit: 3, meaning: 'the SSH connection failed' },
  LAB_SSH_CREDENTIAL_MISSING: { exit: 2, meaning: 'the environment variable the inventory names for a password or passphrase is not set' },
  LAB_SSH_EXEC: { exit: 3, meaning: 'a command could not be started over SSH' },
  LAB_SSH_HOST_KEY_MISMATCH: { exit: 3, meaning: 'the SSH host key is not the one known or pinned (refused)' },
  LAB_SSH_HOST_KEY_REVOKED: { exit: 3, meaning: 'the SSH host key is marked @revoked (refused)' },
  LAB_SSH_HOST_KEY_UNKNOWN: { exit: 3, meaning: 'the SSH host key is unknown and trust on first use is off (refused)' },
  LAB_SSH_KEY: { exit: 3, meaning: 'the SSH key file cannot be used (format, passphrase)' },
  LAB_SSH_KEY_MISSING: { exit: 2, meaning: "the inventory's `auth.keyFile` cannot be read" },
  LAB_SSH_LOST: { exit: 3, meaning: 'the SSH connection was lost' },
  LAB_SSH_SFTP: { exit: 3, meaning: 'the SSH server offers no SFTP subsystem' },
  LAB_SSH_UNREACHABLE: { exit: 3, meaning: 'the SSH host could not be reached before the deadline' },
  LAB_SUITE_EXPRESSION: { exit: 2, meaning: 'a `${...}` placeholder in a suite cannot be resolved' },
  LAB_SUITE_INVALID: { exit: 2, meaning: 'the suite has mistakes, each at file:line:column with the field' },
  LAB_SUITE_NOT_FOUND: { exit: 2, meaning: 'no suite file at the path given' },
  LAB_TARGET_NOT_READY: { exit: 3, meaning: 'a bug in lab: the Wine target was used before it was prepared' },
  LAB_UNKNOWN_TARGET: { exit: 2, meaning: '`--target` names no target of the inventory' },
  LAB_USAGE: { exit: 2, meaning: "the command line is wrong (commander's own messages exit 2 too)" },
  LAB_WAIVERS_INVALID: { exit: 2, meaning: 'the waivers file has mistakes, each at file:line:column with the field' },
  LAB_WAIVERS_NOT_FOUND: { exit: 2, meaning: 'no waivers file at the `--waivers` path' },
  LAB_WINDOWS_PATH: { exit: 2, meaning: 'a path for a Windows machine is not an absolute Windows path Windows accepts' },
  LAB_WINE_ISOLATION: { exit: 2, meaning: '`LAB_WINE_ISOLATION` names no isolation lab knows' },
  LAB_WINE_MISSING: { exit: 3, meaning: 'wine is not installed or does not start' },
  LAB_WINE_PREFIX: { exit: 3, meaning: 'a Wine prefix could not be made or is not usable' },
  LAB_WINE_TEMPLATE: { exit: 3, meaning: 'the Wine prefix template could not be made or is not usable' },
  LAB_WORKERS_ONE_MACHINE: { exit: 2, meaning: '`--workers` above 1 on a target that is one machine' },
  LAB_WRITE_FAILED: { exit: 3, meaning: 'lab could not write one of its files (a full disk, a lost mount); the file is named' },
} as const satisfies Record<`LAB_${string}`, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

type CodesOfExit<E extends ExitCode> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['exit'] extends E ? C : never }[ErrorCode];

/** The codes of errors about the command line, a suite or a file the user gave (exit 2). */
export type UsageCode = CodesOfExit<2>;
/** The codes of errors of lab or the target (exit 3). */
export type HarnessCode = CodesOfExit<3>;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
