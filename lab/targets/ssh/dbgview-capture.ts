import { HarnessError } from '../../errors/lab-error.js';
import { parseDbgView, type DebugLine } from '../../logs/debug-line.js';
import { cmdCommandLine } from './cmd-command-line.js';
import type { RemoteFiles } from './remote-files.js';
import type { SshConnection } from './ssh-connection.js';
import type { SshLink } from './ssh-link.js';
import { windowsBasename } from './windows-path.js';

/** DbgView's documented switches: accept the EULA, tray, no filter prompt, kernel + verbose, global Win32, clock time with ms, log file, append. */
export function dbgviewArgv(exe: string, logPath: string): string[] {
  return [exe, '/accepteula', '/t', '/f', '/k', '/v', '/g', '/om', '/l', logPath, '/p'];
}

/**
 * Sysinternals DebugView on the guest, writing DbgPrint and OutputDebugString to a log file that lab reads
 * over SFTP as it grows. It is started before the guest runner (which loads the driver), in a channel of
 * its own, and stopped after the runner ends: by name, gracefully, then forcibly. The exe is the user's
 * (Sysinternals' licence does not let lab ship it).
 */
export class DbgViewCapture {
  private offset = 0;
  private partial = '';
  private seq = 0;
  private handle?: { connection: SshConnection; files: RemoteFiles; handle: Buffer };
  private running = false;

  constructor(
    private readonly link: SshLink,
    readonly exe: string,
    readonly logPath: string,
  ) {}

  /** Starts DbgView and waits (bounded) for its log file, so capture runs before the driver loads. */
  async start(waitMs = 10_000): Promise<void> {
    const connection = await this.link.connection();
    const files = await connection.files();
    await files.remove(this.logPath);
    this.offset = 0;
    this.partial = '';
    const channel = await connection.exec(cmdCommandLine(dbgviewArgv(this.exe, this.logPath)));
    this.running = true;
    channel.on('close', () => (this.running = false));
    channel.resume();
    channel.stderr.resume();
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (await files.stat(this.logPath)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new HarnessError(
      'LAB_DBGVIEW',
      `DbgView (${this.exe}) did not create ${this.logPath} within ${waitMs} ms. Fix: check the inventory's dbgview path and that DbgView runs on the machine (\`lab doctor --target <name>\`).`,
    );
  }

  /** Complete lines written since the last read, as debug-stream lines. */
  async read(): Promise<Array<Omit<DebugLine, 'seq'>>> {
    try {
      // A handle of a connection that dropped answers nothing: after a crash the rest of the log, which
      // says which case the guest was in, is read over the new connection from where the last read ended.
      if (this.handle && !this.handle.connection.alive) this.handle = undefined;
      if (!this.handle) {
        const connection = await this.link.connection();
        const files = await connection.files();
        this.handle = { connection, files, handle: await files.open(this.logPath) };
      }
      const { files, handle } = this.handle;
      const size = await files.size(handle);
      if (size <= this.offset) return [];
      const bytes = await files.readHandle(handle, this.offset, size);
      this.offset += bytes.length;
      const text = this.partial + bytes.toString('utf8');
      const lines = text.split(/\r?\n/);
      this.partial = lines.pop() ?? '';
      const now = Date.now();
      return lines.filter((l) => l.trim()).map((l) => withoutSeq(parseDbgView(l, ++this.seq, now)));
    } catch {
      // The file may be locked or the connection gone; the next read (after a reconnect) tries again.
      await this.forgetHandle();
      return [];
    }
  }

  /** Stops DbgView (it flushes its log when it closes) and forgets the open log handle. */
  async stop(): Promise<void> {
    const name = windowsBasename(this.exe);
    await this.link.run(cmdCommandLine(['taskkill', '/IM', name]), { timeoutMs: 15_000, what: 'stopping DbgView' }).catch(() => undefined);
    const deadline = Date.now() + 3000;
    while (this.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.running)
      await this.link.run(cmdCommandLine(['taskkill', '/F', '/IM', name]), { timeoutMs: 15_000, what: 'stopping DbgView' }).catch(() => undefined);
    this.running = false;
  }

  /** What is left in the log (a last line without its line break included). */
  async readRest(): Promise<Array<Omit<DebugLine, 'seq'>>> {
    const lines = await this.read();
    if (this.partial.trim()) lines.push(withoutSeq(parseDbgView(this.partial, ++this.seq, Date.now())));
    this.partial = '';
    await this.forgetHandle();
    return lines;
  }

  private async forgetHandle(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.files.close(h.handle);
  }
}

function withoutSeq(line: DebugLine): Omit<DebugLine, 'seq'> {
  const { seq: _seq, ...rest } = line;
  return rest;
}
