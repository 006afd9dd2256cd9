/** The echo server process of echo-server.ts and connections to it, the baseline of the TCP benchmarks. */
import { spawn } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { invariant } from '../../model/index.ts';
import { LOOPBACK_HOST } from '../../impl/net/address-book.ts';

const SERVER_PATH = fileURLToPath(new URL('./echo-server.ts', import.meta.url));

/** Time the echo server gets to print its port, in milliseconds. */
const ECHO_READY_TIMEOUT_MS = 30_000;

const READY_LINE = /^echo listening on port ([0-9]+)$/;

export interface EchoServer {
  readonly port: number;
  /** Sends SIGKILL unless the process has exited, and resolves once it has. */
  readonly kill: () => Promise<void>;
}

/** Spawns the echo server and resolves once it listens. Rejects, after killing it, when it exits
 * first or stays silent for ECHO_READY_TIMEOUT_MS. */
export const startEchoServer = async (): Promise<EchoServer> => {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_PATH], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => stderr.push(line));

  const exited = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => resolve(signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`));
  });
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGKILL');
    }
    await exited;
  };

  const port = new Promise<number>((resolve) => {
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (match?.[1] !== undefined) {
        resolve(Number(match[1]));
      }
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ECHO_READY_TIMEOUT_MS);
  });
  const first = await Promise.race([port, exited, timeout]);
  clearTimeout(timer);

  if (typeof first === 'string') {
    await kill();
    const reason = first === 'timeout' ? `did not listen within ${ECHO_READY_TIMEOUT_MS} ms` : `exited before it listened (${first})`;
    throw new Error(`echo server ${SERVER_PATH} ${reason}; stderr:\n${stderr.join('\n')}`);
  }
  return { port: first, kill };
};

interface PendingEcho {
  /** Bytes of this message still to come back. */
  remaining: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * One connection to the echo server. Messages may be pipelined: the server returns the bytes in
 * the order it received them, so each message completes once its byte count has come back after
 * those of every earlier message.
 */
export class EchoConnection {
  private readonly pending: PendingEcho[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk.byteLength));
    socket.on('error', (error) => {
      this.failure = error;
    });
    socket.on('close', () => {
      const failure = (this.failure ??= new Error('the echo connection closed'));
      for (const waiting of this.pending.splice(0)) {
        waiting.reject(failure);
      }
    });
  }

  /** Connects with Nagle's algorithm off, as the shardcap transport's sockets are. */
  static connect(port: number): Promise<EchoConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: LOOPBACK_HOST, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new EchoConnection(socket));
      });
    });
  }

  /** Sends `message` and resolves once all of its bytes have come back. Rejects when the
   * connection fails or closes first. */
  roundTrip(message: Uint8Array): Promise<void> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    invariant(message.byteLength > 0, 'an echo message needs at least one byte');
    return new Promise((resolve, reject) => {
      this.pending.push({ remaining: message.byteLength, resolve, reject });
      this.socket.write(message);
    });
  }

  /** Closes the connection. Messages still on their way reject. */
  close(): Promise<void> {
    if (this.socket.closed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private receive(bytes: number): void {
    let left = bytes;
    while (left > 0) {
      const head = this.pending[0];
      invariant(head !== undefined, `the echo server returned ${left} bytes that were never sent`);
      const consumed = Math.min(head.remaining, left);
      head.remaining -= consumed;
      left -= consumed;
      if (head.remaining === 0) {
        this.pending.shift();
        head.resolve();
      }
    }
  }
}
