import type { SFTPWrapper, Stats } from 'ssh2';
import { sftpPath, windowsDirname } from './windows-path.js';

/** SFTP's status for a missing file (SSH_FX_NO_SUCH_FILE). */
const NO_SUCH_FILE = 2;

/**
 * File operations on a Windows machine over SFTP, by Windows path (`C:\lab\x` is `/C:/lab/x` on the
 * wire). Deletion goes through SFTP too rather than `rmdir /s` in cmd: cmd's built-in commands split
 * their arguments at `,` `;` `=` even where a program would not, and a wrong split deletes the wrong thing.
 */
export class RemoteFiles {
  private readonly call: <T>(start: (cb: (error: Error | undefined | null, value?: T) => void) => void) => Promise<T>;

  /**
   * `alive` guards every request: ssh2 never answers an SFTP request made after its connection died, and
   * a request that is never answered would hang the run. Requests also give up after `timeoutMs`.
   */
  constructor(
    private readonly sftp: SFTPWrapper,
    alive: () => boolean = () => true,
    timeoutMs = 120_000,
  ) {
    this.call = <T>(start: (cb: (error: Error | undefined | null, value?: T) => void) => void) =>
      new Promise<T>((resolve, reject) => {
        if (!alive()) return reject(new Error('the SSH connection is gone'));
        const timer = setTimeout(() => reject(new Error(`no SFTP answer within ${timeoutMs} ms`)), timeoutMs);
        start((error, value) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(value as T);
        });
      });
  }

  async put(localPath: string, windowsPath: string): Promise<void> {
    await this.mkdirs(windowsDirname(windowsPath));
    await this.call<void>((cb) => this.sftp.fastPut(localPath, sftpPath(windowsPath), cb));
  }

  /** Copies a guest file to a local path (streamed: dumps can be large). */
  async get(windowsPath: string, localPath: string): Promise<void> {
    await this.call<void>((cb) => this.sftp.fastGet(sftpPath(windowsPath), localPath, cb));
  }

  async writeText(windowsPath: string, text: string): Promise<void> {
    await this.mkdirs(windowsDirname(windowsPath));
    await this.call<void>((cb) => this.sftp.writeFile(sftpPath(windowsPath), text, cb));
  }

  async stat(windowsPath: string): Promise<Stats | undefined> {
    try {
      return await this.call<Stats>((cb) => this.sftp.stat(sftpPath(windowsPath), cb));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Bytes [start, end) of a file, or undefined when it does not exist. */
  async read(windowsPath: string, start = 0, end?: number): Promise<Buffer | undefined> {
    let handle: Buffer;
    try {
      handle = await this.call<Buffer>((cb) => this.sftp.open(sftpPath(windowsPath), 'r', cb));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const size = (await this.call<Stats>((cb) => this.sftp.fstat(handle, cb))).size;
      return await this.readHandle(handle, start, Math.min(end ?? size, size));
    } finally {
      await this.call<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  async readHandle(handle: Buffer, start: number, stop: number): Promise<Buffer> {
    if (stop <= start) return Buffer.alloc(0);
    const buffer = Buffer.alloc(stop - start);
    let done = 0;
    while (done < buffer.length) {
      const n = await this.call<number>((cb) =>
        this.sftp.read(handle, buffer, done, Math.min(buffer.length - done, 256 * 1024), start + done, (error, bytesRead) => cb(error, bytesRead)),
      );
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  }

  open(windowsPath: string): Promise<Buffer> {
    return this.call<Buffer>((cb) => this.sftp.open(sftpPath(windowsPath), 'r', cb));
  }

  size(handle: Buffer): Promise<number> {
    return this.call<Stats>((cb) => this.sftp.fstat(handle, cb)).then((s) => s.size);
  }

  close(handle: Buffer): Promise<void> {
    return this.call<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
  }

  /** Deletes a file or a whole folder; a missing one is fine. */
  async remove(windowsPath: string): Promise<void> {
    const info = await this.stat(windowsPath);
    if (!info) return;
    if (!info.isDirectory()) {
      await this.call<void>((cb) => this.sftp.unlink(sftpPath(windowsPath), cb)).catch(ignoreMissing);
      return;
    }
    const entries = await this.call<Array<{ filename: string }>>((cb) => this.sftp.readdir(sftpPath(windowsPath), cb));
    for (const entry of entries) {
      if (entry.filename === '.' || entry.filename === '..') continue;
      await this.remove(`${windowsPath}\\${entry.filename}`);
    }
    await this.call<void>((cb) => this.sftp.rmdir(sftpPath(windowsPath), cb)).catch(ignoreMissing);
  }

  async mkdirs(windowsDir: string): Promise<void> {
    const parts = windowsDir.split('\\').filter(Boolean);
    for (let i = 2; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('\\');
      if ((await this.stat(dir))?.isDirectory()) continue;
      await this.call<void>((cb) => this.sftp.mkdir(sftpPath(dir), cb)).catch(async (error: unknown) => {
        // Another writer may have made it meanwhile.
        if (!(await this.stat(dir))?.isDirectory()) throw error;
      });
    }
  }

  /** Free bytes on the volume holding a path (OpenSSH's statvfs extension), or undefined. */
  async freeBytes(windowsPath: string): Promise<number | undefined> {
    try {
      const info = await this.call<{ f_bavail: number | bigint | string; f_frsize: number | bigint | string; f_bsize: number | bigint | string }>((cb) =>
        this.sftp.ext_openssh_statvfs(sftpPath(windowsPath), cb),
      );
      const free = Number(info.f_bavail) * Number(info.f_frsize || info.f_bsize);
      return Number.isFinite(free) ? free : undefined;
    } catch {
      return undefined;
    }
  }
}

function isMissing(error: unknown): boolean {
  return (error as { code?: number }).code === NO_SUCH_FILE;
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}
