import { join } from 'node:path';
import type { GuestSession, SessionHooks, Target, TargetKind } from '../target.js';
import { labCacheDir } from '../wine/cache-dir.js';
import { cmdSequence } from './cmd-command-line.js';
import { BugcheckProbe, type CrashFinding, type CrashProbe } from './crash-probe.js';
import { DbgViewCapture } from './dbgview-capture.js';
import { downloadDump } from './dump-download.js';
import type { GuestSettings } from './guest-settings.js';
import { planServices } from './plan-services.js';
import type { RemoteFiles } from './remote-files.js';
import { endpointText } from './ssh-endpoint.js';
import { SshGuestSession } from './ssh-guest-session.js';
import type { SshLink } from './ssh-link.js';
import { checkWindowsPath, joinWindowsPath, windowsBasename } from './windows-path.js';

export interface SshTargetOptions {
  name: string;
  runId: string;
  link: SshLink;
  guest: GuestSettings;
  keep?: boolean;
  onProgress?: (line: string) => void;
  /** How a dropped connection is judged; default: reconnect and look for event 1001 (a plain machine). */
  probe?: CrashProbe;
  /** Where crash dumps are copied to (default: lab's cache folder, dumps/<run id>). */
  dumpDir?: string;
  kind?: TargetKind;
}

/**
 * A Windows machine reached over SSH (Windows' OpenSSH server, default shell cmd.exe). Files go over
 * SFTP, commands through cmdCommandLine(); the guest runner, its plan and the suites are the same as on
 * Wine. A plain machine has no checkpoint, so prepare and revert are best effort: stop what lab started,
 * unload the services its plans loaded, delete the guest folder and the configured clean paths.
 */
export class SshTarget implements Target {
  readonly kind: TargetKind;
  readonly name: string;
  private readonly facts: Record<string, string> = {};
  private readonly probe: CrashProbe;
  private session?: SshGuestSession;
  private sessions = 0;
  private finding?: CrashFinding;
  private services = new Set<string>();
  private listening = false;
  private readonly handles = new Map<string, { files: RemoteFiles; handle: Buffer }>();
  private disposed = false;

  constructor(private readonly options: SshTargetOptions) {
    this.kind = options.kind ?? 'ssh';
    this.name = options.name;
    this.probe = options.probe ?? new BugcheckProbe(options.link);
  }

  get link(): SshLink {
    return this.options.link;
  }

  describe(): Record<string, string> {
    return { ...this.facts };
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    const connection = await this.link.connection(signal);
    const endpoint = this.link.endpoint;
    Object.assign(this.facts, { host: endpoint.host, port: String(endpoint.port), user: endpoint.user, guestDir: this.options.guest.guestDir });
    if (connection.hostKey) this.facts.hostKey = `${'keyType' in connection.hostKey ? `${connection.hostKey.keyType} ` : ''}${connection.hostKey.fingerprint}`;
    // Independent round trips, so they go out at once (each costs a channel on the server).
    // The version only describes the target in the report: a `ver` that fails says why there, and the run goes on.
    const [version] = await Promise.all([
      this.link.run('ver', { what: 'asking the Windows version (ver)' }).catch((error: Error) => error),
      this.clean(),
      this.probe.baseline(signal),
    ]);
    const ver =
      version instanceof Error
        ? undefined
        : version.stdout
            .trim()
            .split(/\r?\n/)
            .find((l) => l.trim());
    if (version instanceof Error) this.facts.windows = `unknown: \`ver\` failed: ${version.message}`;
    else if (ver) this.facts.windows = ver.trim();
  }

  guestPath(name: string): string {
    return joinWindowsPath(this.options.guest.guestDir, name);
  }

  async put(localPath: string, guestPath: string): Promise<void> {
    const files = await this.files();
    await files.put(localPath, checkWindowsPath(guestPath));
    for (const service of await planServices(localPath)) this.services.add(service);
  }

  /**
   * The driver log is read a slice per case: its handle stays open (the driver shares it for reading) so a
   * slice costs one round trip, not four. Handles are dropped with the clean state they belong to.
   */
  async readGuestFile(guestPath: string, start = 0, end?: number): Promise<Buffer | undefined> {
    const path = checkWindowsPath(guestPath);
    try {
      let open = this.handles.get(path);
      if (!open) {
        const files = await this.files();
        if (!(await files.stat(path))) return undefined;
        open = { files, handle: await files.open(path) };
        this.handles.set(path, open);
      }
      const stop = end ?? (await open.files.size(open.handle));
      return await open.files.readHandle(open.handle, start, stop);
    } catch {
      // A handle from a connection that is gone: one plain read on the current connection.
      await this.forgetHandles();
      return (await this.files()).read(path, start, end);
    }
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    this.sessions += 1;
    this.finding = undefined;
    this.listening = true;
    const guestDir = this.options.guest.guestDir;
    const dbgview = this.options.guest.dbgview
      ? new DbgViewCapture(this.link, this.options.guest.dbgview, joinWindowsPath(guestDir, `dbgview-${this.sessions}.log`))
      : undefined;
    const session = new SshGuestSession({
      link: this.link,
      argv: argv.map((a, i) => (i === 0 ? checkWindowsPath(a) : a)),
      hooks,
      ...(dbgview ? { dbgview } : {}),
      probe: this.probe,
      onFinding: (f) => (this.finding = f),
      listening: () => this.listening,
    });
    this.session = session;
    return session;
  }

  /** After a bugcheck: the event's stop code and the dump, copied off the guest before any revert. */
  async crashEvidence(): Promise<{ backtrace?: string; dumpPath?: string } | undefined> {
    const finding = this.finding;
    if (!finding) return undefined;
    const summary = `${finding.signature}\n${finding.how}`;
    if (!finding.dumpGuestPath) return { backtrace: summary };
    try {
      const dir = this.options.dumpDir ?? join(labCacheDir(), 'dumps', this.options.runId);
      const dump = await downloadDump(await this.files(), finding.dumpGuestPath, dir);
      return { backtrace: dump.note ? `${summary}\n${dump.note}` : summary, dumpPath: dump.path };
    } catch (error) {
      return { backtrace: `${summary}\ncould not copy the dump ${finding.dumpGuestPath}: ${(error as Error).message}`, dumpPath: finding.dumpGuestPath };
    }
  }

  async revert(signal?: AbortSignal): Promise<void> {
    await this.endSession();
    await this.link.connection(signal);
    await Promise.all([this.clean(), this.probe.baseline(signal)]);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.endSession();
      if (this.link.endpoint.host)
        await this.clean(!this.options.keep).catch((error: Error) =>
          this.options.onProgress?.(`cleaning up ${endpointText(this.link.endpoint)} failed: ${error.message}`),
        );
    } finally {
      await this.link.close();
    }
  }

  /** The guest back to how lab found it, as far as a plain machine allows. */
  async clean(removeFiles = true): Promise<void> {
    const commands: string[][] = [];
    const runner = 'lab-guest.exe';
    commands.push(['taskkill', '/F', '/T', '/IM', runner]);
    if (this.options.guest.dbgview) commands.push(['taskkill', '/F', '/IM', windowsBasename(this.options.guest.dbgview)]);
    for (const service of this.services) commands.push(['sc.exe', 'stop', service], ['sc.exe', 'delete', service]);
    await this.link.run(cmdSequence(commands), { what: "stopping lab's programs and services" });
    if (!removeFiles) return;
    const files = await this.files();
    for (const path of [this.options.guest.guestDir, ...this.options.guest.cleanPaths]) await files.remove(path);
  }

  /** Ends the session and closes the connection without touching the guest (a checkpoint restore follows). */
  async detach(): Promise<void> {
    this.disposed = true;
    await this.endSession();
    await this.link.close();
  }

  /** Stops the current session (if any) and stops listening to it. */
  async endSession(): Promise<void> {
    this.listening = false;
    await this.forgetHandles();
    const session = this.session;
    this.session = undefined;
    if (session) await session.drain().catch(() => undefined);
  }

  private async forgetHandles(): Promise<void> {
    const open = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(open.map((o) => o.files.close(o.handle)));
  }

  private async files(): Promise<RemoteFiles> {
    return (await this.link.connection()).files();
  }
}
