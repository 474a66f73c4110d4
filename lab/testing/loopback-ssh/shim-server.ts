/**
 * TEST INFRASTRUCTURE (loopback SSH server): the long-lived shim. `node shim-server.js <config.json>
 * <socket>` serves every SSH command of one loopback server: sshd's ForceCommand (shim-client.c) connects
 * to the socket and relays the session (the frames are described there); guest-shim.ts runs the command.
 * One process for the server's whole life, instead of a Node start per command. Prints `ready` when it
 * listens.
 */
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { runSession } from './guest-shim.js';
import { readConfig, type ShimConfig } from './shim-config.js';
import type { ShimSession } from './shim-session.js';

function frame(type: string, payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function serve(config: ShimConfig, socket: Socket): void {
  let pending = Buffer.alloc(0);
  let live = true;
  let became = false;
  let stop: () => void = () => undefined;
  const flushed: Array<() => void> = [];
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const send = (type: string, payload: string | Uint8Array) => {
    if (live && !socket.destroyed) socket.write(frame(type, payload));
  };
  socket.on('error', () => undefined);
  socket.on('close', () => {
    live = false;
    stop();
    for (const done of flushed.splice(0)) done();
  });
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const type = String.fromCharCode(pending[0]!);
      const payload = pending.subarray(5, 5 + pending.readUInt32BE(1));
      pending = pending.subarray(5 + payload.length);
      if (type === 'H') start(payload);
      else if (type === 'E' || type === 'K') stop();
      else if (type === 'F') flushed.shift()?.();
      // 'I': stdin. No command of the shim reads it; its end ('E') is what counts.
    }
  });
  const start = (header: Buffer) => {
    const [pid, ...entries] = header.toString('utf8').split('\0');
    const env: NodeJS.ProcessEnv = {};
    for (const entry of entries) {
      const at = entry.indexOf('=');
      if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const session: ShimSession = {
      pid: Number(pid),
      env,
      stdout: (data) => send('O', data),
      stderr: (data) => send('R', data),
      stopped,
      become: (argv) => {
        send('S', argv.map((a) => `${a}\0`).join(''));
        became = true;
        live = false;
        socket.end();
      },
      flush: () =>
        new Promise<void>((resolve) => {
          if (!live) return resolve();
          flushed.push(resolve);
          send('F', '');
          setTimeout(resolve, 2000).unref();
        }),
      drop: () => {
        live = false;
        socket.destroy();
      },
    };
    const running = runSession(config, session);
    // A session that became a program (it does so at once) keeps its stdin unread for that program.
    if (!became) send('G', '');
    running.then(
      (code) => {
        send('X', String(code));
        if (live) socket.end();
      },
      (error: unknown) => {
        send('R', `loopback shim: ${(error as Error).stack ?? String(error)}\r\n`);
        send('X', '1');
        if (live) socket.end();
      },
    );
  };
}

const [configFile, socketPath] = process.argv.slice(2) as [string, string];
const config = readConfig(configFile);
rmSync(socketPath, { force: true });
const server = createServer((socket) => serve(config, socket));
server.listen(socketPath, () => process.stdout.write('ready\n'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
