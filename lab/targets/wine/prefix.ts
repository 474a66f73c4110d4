/**
 * A Wine prefix for one clean state of a run: made from the cached template, thrown away on revert. The
 * template and every other prefix stay as they were, whatever the driver writes in this one (system
 * files, the registry, new files): see isolation.ts for how, and which way this machine allows.
 */
export interface Prefix {
  /** WINEPREFIX as Wine's processes see it; /proc tells this prefix's processes by it. */
  readonly path: string;
  /** How the prefix is kept apart from the template, for the report. */
  readonly isolation: string;
  /** The program and arguments that run `file args` as a process of this prefix, in `cwd` (a folder of it). */
  command(file: string, args: string[], cwd: string): { file: string; args: string[] };
  /** The Linux path `path` (inside the prefix) has from this process. */
  host(path: string): string;
  /** Ends every process of the prefix and removes its files; `keepAt` keeps a full copy there first (--keep). */
  remove(keepAt?: string): Promise<void>;
}
