/**
 * TEST INFRASTRUCTURE (loopback SSH server): one SSH command as the shim server sees it. sshd starts
 * shim-client for every command; the client hands its pid, its environment (SSH_ORIGINAL_COMMAND is the
 * command), its stdin and any signal it gets to the server, and prints what the session writes.
 */
export interface ShimSession {
  /** The client's pid: the process sshd started for this command (what a kill or a drop aims at). */
  pid: number;
  /** The client's environment, as sshd gave it: what the programs of this command run with. */
  env: NodeJS.ProcessEnv;
  stdout(data: string | Uint8Array): void;
  stderr(data: string | Uint8Array): void;
  /** Resolves when the session's stdin ends, the client gets SIGTERM, SIGINT or SIGHUP, or it is gone. */
  stopped: Promise<void>;
  /** The client becomes this program, with the session's own stdin and stdout (sftp-server). */
  become(argv: string[]): void;
  /** Resolves once the client has written everything sent before (bounded: a client may be gone). */
  flush(): Promise<void>;
  /** The machine went down under this command: nothing more reaches the client, which sshd has lost anyway. */
  drop(): void;
}
