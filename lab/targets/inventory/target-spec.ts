import type { GuestSettings } from '../ssh/guest-settings.js';
import type { SshEndpoint } from '../ssh/ssh-endpoint.js';

/** One inventory entry, resolved: what createTarget needs to build the target. No secret values. */
export type TargetSpec = WineSpec | SshSpec | HypervSpec;

export interface WineSpec {
  kind: 'wine';
  name: string;
}

export interface SshSpec {
  kind: 'ssh';
  name: string;
  endpoint: SshEndpoint;
  guest: GuestSettings;
}

export interface HypervSpec {
  kind: 'hyperv';
  name: string;
  host: HypervHostSpec;
  vm: string;
  checkpoint: string;
  bootTimeoutMs: number;
  pollMs: number;
  rebootTimeoutMs: number;
  /** The guest's SSH endpoint; `host` is empty when it comes from the VM's IP address at run time. */
  guestEndpoint: SshEndpoint;
  guestHostFixed: boolean;
  guest: GuestSettings;
  verifier?: { flags: number; drivers?: string[] };
}

export type HypervHostSpec =
  | { kind: 'local'; name: string; powershell: 'powershell' | 'pwsh' }
  | { kind: 'ssh'; name: string; endpoint: SshEndpoint; powershell: 'powershell' | 'pwsh' };
