import { z } from 'zod';
import { checkWindowsPath } from '../ssh/windows-path.js';

/** The pieces inventory entries of several kinds share: names, durations, Windows paths, an SSH connection. */
export const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, `.`, `_` and `-`');
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as LAB_WIN11_PASSWORD');
export const Fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected an OpenSSH fingerprint like SHA256:AbC...(43 characters), as `ssh-keygen -lf <key>.pub` prints it');
export const Ms = z
  .number()
  .int()
  .min(1)
  .max(24 * 3600 * 1000);
export const WindowsPath = z.string().superRefine((value, ctx) => {
  try {
    checkWindowsPath(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected an absolute Windows path such as C:\\lab (no < > " | ? *, no . or .. parts)' });
  }
});

export const HostKey = z.strictObject({
  /** Pinned fingerprint(s); any one may match. */
  fingerprint: z.union([Fingerprint, z.array(Fingerprint).min(1)]).optional(),
  /** An OpenSSH known_hosts file (default ~/.ssh/known_hosts). */
  knownHosts: z.string().min(1).optional(),
  /** Accept and record the key of a host known_hosts does not know yet. Off unless set. */
  trustOnFirstUse: z.boolean().optional(),
});

export const Auth = z.strictObject({
  /** The SSH agent at SSH_AUTH_SOCK. */
  agent: z.boolean().optional(),
  keyFile: z.string().min(1).optional(),
  passphraseEnv: EnvName.optional(),
  passwordEnv: EnvName.optional(),
});

export const Timeouts = z.strictObject({
  connectMs: Ms.optional(),
  commandMs: Ms.optional(),
  keepaliveMs: Ms.optional(),
  keepaliveCountMax: z.number().int().min(1).max(100).optional(),
});

export const Reconnect = z.strictObject({
  attempts: z.number().int().min(0).max(1000).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

export const Connection = {
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1),
  hostKey: HostKey.optional(),
  auth: Auth,
  timeouts: Timeouts.optional(),
  reconnect: Reconnect.optional(),
};

/** What lab does on a Windows guest, whoever reaches it (a plain machine, a VM). */
export const GuestFields = {
  /** Folder lab deploys into and deletes on revert (default C:\lab). */
  guestDir: WindowsPath.optional(),
  /** Dbgview.exe on the guest (Sysinternals; you supply it): captures DbgPrint and OutputDebugString. */
  dbgview: WindowsPath.optional(),
  /** Guest files deleted by prepare and revert, e.g. the driver's log file. */
  cleanPaths: z.array(WindowsPath).optional(),
};
export const HypervHostEntry = z.strictObject({
  description: z.string().optional(),
  /** lab runs on the Hyper-V host itself: PowerShell through execa. */
  local: z.literal(true).optional(),
  /** The Hyper-V host over SSH (an OpenSSH server on Windows; admin sessions are elevated). */
  ssh: z.strictObject({ host: z.string().min(1), ...Connection }).optional(),
  /** powershell (Windows PowerShell 5.1, default) or pwsh. */
  powershell: z.enum(['powershell', 'pwsh']).optional(),
});

export type RawHypervHost = z.infer<typeof HypervHostEntry>;
