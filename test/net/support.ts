import { connect, createServer, type Server, type Socket } from 'node:net';
import { encodeLengthPrefixed } from '../../impl/net/frame-reader.ts';
import { encodeHello } from '../../impl/net/hello.ts';
import { TcpTransport, type TcpTransportOptions } from '../../impl/net/tcp-transport.ts';
import { MemoryLogger } from '../../impl/ports.ts';

export const LOOPBACK = '127.0.0.1';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytesOf = (text: string): Uint8Array => encoder.encode(text);
export const textOf = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Every transport, server and socket a test opens, so that `afterEach` closes them all. */
export class OpenResources {
  private readonly transports: TcpTransport[] = [];
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];

  transport(options: Omit<TcpTransportOptions, 'logger'> & { readonly logger?: MemoryLogger }): {
    transport: TcpTransport;
    logger: MemoryLogger;
  } {
    const logger = options.logger ?? new MemoryLogger();
    const transport = new TcpTransport({ ...options, logger });
    this.transports.push(transport);
    return { transport, logger };
  }

  server(server: Server): Server {
    this.servers.push(server);
    return server;
  }

  socket(socket: Socket): Socket {
    this.sockets.push(socket);
    return socket;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.sockets.splice(0)) {
      socket.destroy();
    }
    await Promise.all(this.transports.splice(0).map((transport) => transport.close()));
    await Promise.all(
      this.servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      ),
    );
  }
}

/** Polls `predicate` every few milliseconds, and throws naming `what` when it stays false for
 * `timeoutMs`. */
export const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> => {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(5);
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReceivedFrame {
  readonly from: string;
  readonly frame: Uint8Array;
}

/** Sets a handler that records every frame the transport delivers. */
export const collectFrames = (transport: TcpTransport): ReceivedFrame[] => {
  const received: ReceivedFrame[] = [];
  transport.onFrame((from, frame) => received.push({ from, frame }));
  return received;
};

/** Returns a length-prefixed hello frame, as a well-behaved peer sends first. */
export const helloFrame = (from: string, to: string): Uint8Array => encodeLengthPrefixed(encodeHello({ from, to }));

/** Opens a raw TCP connection to a loopback port and resolves once it is connected. Incoming
 * bytes are discarded unless the caller adds a 'data' listener, because a paused socket never
 * emits 'close' when the other side closes. */
export const connectRaw = (resources: OpenResources, port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = resources.socket(connect({ host: LOOPBACK, port }));
    socket.resume();
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });

/** Resolves once the socket is closed, by either side. */
export const closedPromise = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    if (socket.closed) {
      resolve();
      return;
    }
    socket.once('close', () => resolve());
  });

/** Returns a loopback port that was free a moment ago, for a test that must know a listener's
 * port before the listener starts. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') {
          reject(new Error('probe listener bound no TCP port'));
        } else {
          resolve(address.port);
        }
      });
    });
  });
