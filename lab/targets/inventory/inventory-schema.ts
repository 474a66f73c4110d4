import { z } from 'zod';
import { checkWindowsPath } from '../ssh/windows-path.js';

/**
 * infra/targets.yaml: the machines `--target NAME` can pick. Credentials are never in this file, only the
 * names of the environment variables that hold them (see inventory-rules.ts for the fields refused).
 */
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, `.`, `_` and `-`');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as LAB_WIN11_PASSWORD');
const Fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected an OpenSSH fingerprint like SHA256:AbC...(43 characters), as `ssh-keygen -lf <key>.pub` prints it');
const Ms = z.number().int().min(1).max(24 * 3600 * 1000);
const WindowsPath = z.string().superRefine((value, ctx) => {
  try {
    checkWindowsPath(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected an absolute Windows path such as C:\\lab (no < > " | ? *, no . or .. parts)' });
  }
});

const HostKey = z.strictObject({
  /** Pinned fingerprint(s); any one may match. */
  fingerprint: z.union([Fingerprint, z.array(Fingerprint).min(1)]).optional(),
  /** An OpenSSH known_hosts file (default ~/.ssh/known_hosts). */
  knownHosts: z.string().min(1).optional(),
  /** Accept and record the key of a host known_hosts does not know yet. Off unless set. */
  trustOnFirstUse: z.boolean().optional(),
});

const Auth = z.strictObject({
  /** The SSH agent at SSH_AUTH_SOCK. */
  agent: z.boolean().optional(),
  keyFile: z.string().min(1).optional(),
  passphraseEnv: EnvName.optional(),
  passwordEnv: EnvName.optional(),
});

const Timeouts = z.strictObject({
  connectMs: Ms.optional(),
  commandMs: Ms.optional(),
  keepaliveMs: Ms.optional(),
  keepaliveCountMax: z.number().int().min(1).max(100).optional(),
});

const Reconnect = z.strictObject({
  attempts: z.number().int().min(0).max(1000).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

const Connection = {
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1),
  hostKey: HostKey.optional(),
  auth: Auth,
  timeouts: Timeouts.optional(),
  reconnect: Reconnect.optional(),
};

/** What lab does on a Windows guest, whoever reaches it (a plain machine, a VM). */
const GuestFields = {
  /** Folder lab deploys into and deletes on revert (default C:\lab). */
  guestDir: WindowsPath.optional(),
  /** Dbgview.exe on the guest (Sysinternals; you supply it): captures DbgPrint and OutputDebugString. */
  dbgview: WindowsPath.optional(),
  /** Guest files deleted by prepare and revert, e.g. the driver's log file. */
  cleanPaths: z.array(WindowsPath).optional(),
};

export const WineEntry = z.strictObject({
  kind: z.literal('wine'),
  description: z.string().optional(),
});

export const SshEntry = z.strictObject({
  kind: z.literal('ssh'),
  description: z.string().optional(),
  host: z.string().min(1),
  ...Connection,
  ...GuestFields,
});

export const HypervEntry = z.strictObject({
  kind: z.literal('hyperv'),
  description: z.string().optional(),
  /** A key of `hypervHosts`. */
  hypervHost: Name,
  /** The VM's name in Hyper-V (matched exactly, never as a wildcard). */
  vm: z.string().min(1),
  checkpoint: z.string().min(1).optional(),
  /** Restore → heartbeat OK and an IP address, at most this long. */
  bootTimeoutMs: Ms.optional(),
  pollMs: Ms.optional(),
  /** After a bugcheck: the guest back up (to read event 1001 and the dump), at most this long. */
  rebootTimeoutMs: Ms.optional(),
  guest: z.strictObject({
    /** Fixed address; default: the VM's first IPv4 address as Hyper-V reports it. */
    host: z.string().min(1).optional(),
    ...Connection,
    ...GuestFields,
  }),
  /** Driver Verifier for every run, volatile (no reboot): `verifier /volatile /flags <flags> /adddriver <drivers>`. */
  verifier: z
    .strictObject({
      flags: z.union([z.number().int().min(0).max(0xffffffff), z.string().regex(/^0x[0-9A-Fa-f]{1,8}$/, 'expected a number or a hex string like 0x9bb')]),
      /** Default: every .sys file the run deploys. */
      drivers: z.array(z.string().regex(/^[^\\/:*?"<>|\s]+\.sys$/i, 'expected a driver file name like objdev.sys')).min(1).optional(),
    })
    .optional(),
});

export const HypervHostEntry = z.strictObject({
  description: z.string().optional(),
  /** lab runs on the Hyper-V host itself: PowerShell through execa. */
  local: z.literal(true).optional(),
  /** The Hyper-V host over SSH (an OpenSSH server on Windows; admin sessions are elevated). */
  ssh: z.strictObject({ host: z.string().min(1), ...Connection }).optional(),
  /** powershell (Windows PowerShell 5.1, default) or pwsh. */
  powershell: z.enum(['powershell', 'pwsh']).optional(),
});

export const InventorySchema = z.strictObject({
  version: z.literal(1),
  hypervHosts: z.record(Name, HypervHostEntry).optional(),
  targets: z.record(Name, z.discriminatedUnion('kind', [WineEntry, SshEntry, HypervEntry])),
});

export type RawInventory = z.infer<typeof InventorySchema>;
export type RawSshEntry = z.infer<typeof SshEntry>;
export type RawHypervEntry = z.infer<typeof HypervEntry>;
export type RawHypervHost = z.infer<typeof HypervHostEntry>;
export type RawTarget = RawInventory['targets'][string];

/** Every field name the schema knows, for "did you mean" hints. */
export const INVENTORY_FIELDS: ReadonlySet<string> = new Set([
  'version', 'hypervHosts', 'targets', 'kind', 'description', 'host', 'port', 'user', 'hostKey', 'auth', 'timeouts', 'reconnect',
  'fingerprint', 'knownHosts', 'trustOnFirstUse', 'agent', 'keyFile', 'passphraseEnv', 'passwordEnv', 'connectMs', 'commandMs',
  'keepaliveMs', 'keepaliveCountMax', 'attempts', 'delayMs', 'guestDir', 'dbgview', 'cleanPaths', 'hypervHost', 'vm', 'checkpoint',
  'bootTimeoutMs', 'pollMs', 'rebootTimeoutMs', 'guest', 'verifier', 'flags', 'drivers', 'local', 'ssh', 'powershell',
]);
