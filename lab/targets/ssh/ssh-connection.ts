import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { HarnessError } from '../../errors/lab-error.js';
import { HostKeyCheck, type HostKeyVerdict } from './host-key-check.js';
import { RemoteFiles } from './remote-files.js';
import { authConfig } from './ssh-auth.js';
import { endpointText, type SshEndpoint } from './ssh-endpoint.js';
import { connectError } from './ssh-errors.js';

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Host-key algorithms ssh2 may negotiate for a key type found in known_hosts. */
const ALGORITHMS_FOR_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

/**
 * One authenticated SSH connection (ssh2): host key checked, keepalive on, every command bounded by a
 * timeout. `lost` settles when the connection drops without close() having been called (the machine
 * crashed, rebooted, the network went away); what to do about it is the caller's decision.
 */
export class SshConnection {
  readonly lost: Promise<Error>;
  private markLost!: (error: Error) => void;
  private closing = false;
  private isAlive = true;
  private sftpSession?: Promise<SFTPWrapper>;

  private constructor(
    private readonly client: Client,
    readonly endpoint: SshEndpoint,
    readonly hostKey: HostKeyVerdict | undefined,
  ) {
    this.lost = new Promise((resolve) => (this.markLost = resolve));
    let lastError: Error | undefined;
    client.on('error', (error) => (lastError = error));
    client.on('close', () => {
      this.isAlive = false;
      if (!this.closing) this.markLost(lastError ?? new Error('the connection closed'));
    });
  }

  /** Connects and logs in, or throws a HarnessError (exit 3) / UsageError (exit 2) saying what to fix. */
  static async open(endpoint: SshEndpoint, signal?: AbortSignal): Promise<SshConnection> {
    const check = new HostKeyCheck(endpoint.hostKey, endpoint.host, endpoint.port);
    await check.load();
    const auth = await authConfig(endpoint);
    const algorithms = check.knownKeyTypes().flatMap((t) => ALGORITHMS_FOR_KEY_TYPE[t] ?? []);
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      ...auth,
      readyTimeout: endpoint.timeouts.connectMs,
      keepaliveInterval: endpoint.timeouts.keepaliveMs,
      keepaliveCountMax: endpoint.timeouts.keepaliveCountMax,
      hostVerifier: (key: Buffer) => check.verify(key),
      ...(algorithms.length ? { algorithms: { serverHostKey: algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } } : {}),
    };
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        client.end();
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (error?: Error) => {
        signal?.removeEventListener('abort', onAbort);
        client.removeAllListeners('ready');
        client.removeAllListeners('error');
        if (error) {
          client.end();
          reject(connectError(endpoint, error, check.verdict));
        } else resolve();
      };
      client.once('ready', () => done());
      client.once('error', (error) => done(error));
      // A socket closed before 'ready' with no error (a dropped handshake) must not hang the caller.
      client.once('close', () => done(new Error('the server closed the connection during the handshake')));
      client.connect(config);
    });
    client.removeAllListeners('close');
    await check.commit();
    return new SshConnection(client, endpoint, check.verdict);
  }

  get alive(): boolean {
    return this.isAlive;
  }

  /** Starts a command; the caller reads the channel. */
  exec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (!this.isAlive) return reject(this.lostError());
      this.client.exec(command, (error, channel) => (error ? reject(this.commandError(command, error)) : resolve(channel)));
    });
  }

  /** Runs a command to its end with a bounded time; output is collected as UTF-8. */
  async run(command: string, options: { timeoutMs?: number; what?: string } = {}): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? this.endpoint.timeouts.commandMs;
    const channel = await this.exec(command);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    channel.on('data', (chunk: Buffer) => out.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    return new Promise((resolve, reject) => {
      let exitCode: number | null = null;
      const timer = setTimeout(() => {
        channel.close();
        reject(
          new HarnessError(
            'LAB_SSH_COMMAND_TIMEOUT',
            `${endpointText(this.endpoint)}: ${options.what ?? 'a command'} did not finish within ${timeoutMs} ms. ` +
              `Fix: check the machine (is it responsive?), or raise timeouts.commandMs in the inventory.`,
          ),
        );
      }, timeoutMs);
      const onLost = () => {
        clearTimeout(timer);
        reject(this.lostError());
      };
      void this.lost.then(onLost);
      channel.on('exit', (code: number | null) => (exitCode = code));
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
  }

  /** The connection's SFTP session (opened once). */
  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          this.sftpSession = undefined;
          reject(
            new HarnessError(
              'LAB_SSH_SFTP',
              `${endpointText(this.endpoint)}: the SFTP subsystem is not available (${error.message}). ` +
                `Fix: enable it in the server's sshd_config (\`Subsystem sftp sftp-server.exe\`, the Windows default).`,
              { cause: error },
            ),
          );
        } else resolve(sftp);
      });
    });
    return this.sftpSession;
  }

  /** File operations over this connection's SFTP session; they fail fast once the connection is gone. */
  async files(): Promise<RemoteFiles> {
    return new RemoteFiles(await this.sftp(), () => this.isAlive, this.endpoint.timeouts.commandMs);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (!this.isAlive) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  lostError(): HarnessError {
    return new HarnessError('LAB_SSH_LOST', `${endpointText(this.endpoint)}: the SSH connection was lost.`);
  }

  private commandError(command: string, error: Error): HarnessError {
    return new HarnessError(
      'LAB_SSH_EXEC',
      `${endpointText(this.endpoint)}: could not start a command (${error.message}) for ${JSON.stringify(command.slice(0, 80))}.`,
      { cause: error },
    );
  }
}
