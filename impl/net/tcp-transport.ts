/**
 * The `Transport` port over TCP (`node:net`) for one endpoint, a node or a client.
 *
 * Every connection starts with a hello frame from each side (see `hello.ts`), then carries data
 * frames, each a 32-bit big-endian length and the payload. Connections to peers listed in the
 * address book are dialed on the first send and dialed again with exponential backoff after a
 * failure. A peer without an address, such as a client, is reached only on a connection it
 * opened, so a node sends its response on the connection the request came in on. When a peer
 * has several ready connections, sends use the newest one.
 *
 * Delivery is unreliable, as the port allows: frames queued past the queue bounds, frames for an
 * unreachable peer and frames in a socket that fails are dropped. Queue drops, routing drops and
 * frames discarded at close are counted in `stats.dropped`.
 *
 * NOTE: connections are neither authenticated nor encrypted, so any process that can reach the
 * listener can claim any endpoint id and receive the responses meant for it. Use it on loopback
 * or a trusted network only.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  FRAME_BYTES_MAX,
  HELLO_TIMEOUT_MS,
  INBOUND_CONNECTIONS_MAX,
  PEER_QUEUE_BYTES_MAX,
  PEER_QUEUE_FRAMES_MAX,
  RECONNECT_DELAY_MS_MAX,
  RECONNECT_DELAY_MS_MIN,
} from '../limits.ts';
import type { FrameHandler, Logger, Transport } from '../ports.ts';
import { checkEndpointId } from '../sim/network.ts';
import { addressBook, formatAddress, LOOPBACK_HOST, type AddressBook, type TcpAddress } from './address-book.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { encodeLengthPrefixed } from './frame-reader.ts';
import { currentConnection, newPeer, reconnectDelayMs, type Peer } from './peer.ts';
import { emptyStats, type TcpTransportStats } from './stats.ts';

export interface TcpTransportOptions {
  /** Endpoint id of this node or client. */
  readonly id: string;
  /** Listen addresses of the peers this endpoint may dial. It is fixed for the transport's life. */
  readonly addresses?: AddressBook | Readonly<Record<string, TcpAddress>>;
  readonly logger: Logger;
  /** PEER_QUEUE_FRAMES_MAX unless set. */
  readonly queueFramesMax?: number;
  /** PEER_QUEUE_BYTES_MAX unless set, in bytes. */
  readonly queueBytesMax?: number;
  /** RECONNECT_DELAY_MS_MIN unless set, in milliseconds. */
  readonly reconnectDelayMsMin?: number;
  /** RECONNECT_DELAY_MS_MAX unless set, in milliseconds. */
  readonly reconnectDelayMsMax?: number;
  /** HELLO_TIMEOUT_MS unless set, in milliseconds. */
  readonly helloTimeoutMs?: number;
  /** INBOUND_CONNECTIONS_MAX unless set. */
  readonly inboundConnectionsMax?: number;
}

export class TcpTransport implements Transport {
  readonly id: string;
  readonly stats: TcpTransportStats = emptyStats();

  private readonly addresses: AddressBook;
  private readonly logger: Logger;
  private readonly queueLimits: { readonly framesMax: number; readonly bytesMax: number };
  private readonly backoff: { readonly delayMsMin: number; readonly delayMsMax: number };
  private readonly inboundConnectionsMax: number;
  private readonly context: ConnectionContext;
  private readonly peers = new Map<string, Peer>();
  private readonly connections = new Set<Connection>();
  private handler: FrameHandler | undefined;
  private server: Server | undefined;
  private bound: TcpAddress | undefined;
  private closing: Promise<void> | undefined;
  /** Called when the last connection closes during `close()`. */
  private onAllClosed: (() => void) | undefined;

  constructor(options: TcpTransportOptions) {
    checkEndpointId(options.id);
    this.id = options.id;
    this.addresses = addressBook(options.addresses ?? {});
    this.logger = options.logger;
    this.queueLimits = {
      framesMax: positive('queueFramesMax', options.queueFramesMax ?? PEER_QUEUE_FRAMES_MAX),
      bytesMax: positive('queueBytesMax', options.queueBytesMax ?? PEER_QUEUE_BYTES_MAX),
    };
    this.backoff = {
      delayMsMin: positive('reconnectDelayMsMin', options.reconnectDelayMsMin ?? RECONNECT_DELAY_MS_MIN),
      delayMsMax: positive('reconnectDelayMsMax', options.reconnectDelayMsMax ?? RECONNECT_DELAY_MS_MAX),
    };
    this.inboundConnectionsMax = positive('inboundConnectionsMax', options.inboundConnectionsMax ?? INBOUND_CONNECTIONS_MAX);
    this.context = {
      selfId: this.id,
      logger: this.logger,
      stats: this.stats,
      helloTimeoutMs: positive('helloTimeoutMs', options.helloTimeoutMs ?? HELLO_TIMEOUT_MS),
      events: {
        ready: (connection) => this.connectionReady(connection),
        frame: (connection, payload) => this.deliver(connection.peerId, payload),
        drain: (connection) => this.connectionDrained(connection),
        closed: (connection, error) => this.connectionClosed(connection, error),
      },
    };
  }

  /**
   * Starts accepting connections and resolves with the bound address. Port 0 binds a free port
   * chosen by the system. Rejects when the address cannot be bound or the transport already
   * listens or is closed.
   */
  listen(host: string = LOOPBACK_HOST, port = 0): Promise<TcpAddress> {
    if (this.closing !== undefined) {
      return Promise.reject(new Error(`transport ${this.id} is closed: create a new TcpTransport to listen again`));
    }
    if (this.server !== undefined) {
      return Promise.reject(
        new Error(`transport ${this.id} already listens on ${formatAddress(this.bound ?? { host, port })}: call listen() once per transport`),
      );
    }

    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.inboundConnectionsMax;
    this.server = server;

    return new Promise<TcpAddress>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => {
        this.server = undefined;
        reject(listenError(this.id, { host, port }, error));
      };
      server.once('error', failed);
      server.listen({ host, port }, () => {
        server.off('error', failed);
        server.on('error', (error) => this.logger.error({ endpoint: this.id, error: error.message }, 'listener failed'));
        server.on('drop', () => this.connectionRejected());

        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error(`transport ${this.id} bound an address that is not TCP: ${String(address)}`));
          return;
        }
        this.bound = { host: address.address, port: address.port };
        this.logger.info({ endpoint: this.id, address: formatAddress(this.bound) }, 'listening');
        resolve(this.bound);
      });
    });
  }

  /** Returns the frames and bytes queued for a peer and not yet written to a socket. */
  queued(peerId: string): { readonly frames: number; readonly bytes: number } {
    const peer = this.peers.get(peerId);
    return { frames: peer?.queue.length ?? 0, bytes: peer?.queue.bytes ?? 0 };
  }

  /** Returns the address `listen` bound, or `undefined` before it resolves. */
  listenAddress(): TcpAddress | undefined {
    return this.bound;
  }

  /** Stops listening, closes every connection and drops every queued frame. Resolves once all
   * sockets are closed. Frames sent afterwards are dropped. Calling it again returns the same
   * promise. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  send(to: string, frame: Uint8Array): void {
    if (this.closing !== undefined) {
      this.stats.dropped += 1;
      return;
    }
    if (frame.byteLength > FRAME_BYTES_MAX) {
      this.stats.dropped += 1;
      this.logger.warn(
        { endpoint: this.id, peer: to, bytes: frame.byteLength, max: FRAME_BYTES_MAX },
        'dropped an outgoing frame larger than the maximum frame size',
      );
      return;
    }
    if (to === this.id) {
      this.sendToSelf(frame);
      return;
    }

    const peer = this.peerFor(to);
    if (peer === undefined) {
      this.stats.dropped += 1;
      this.logger.debug({ endpoint: this.id, peer: to }, 'dropped a frame: no connection to the peer and no address for it');
      return;
    }

    const dropped = peer.queue.push(encodeLengthPrefixed(frame));
    if (dropped > 0) {
      this.stats.dropped += dropped;
      if (!peer.overflowing) {
        peer.overflowing = true;
        this.logger.warn(
          { endpoint: this.id, peer: to, framesMax: this.queueLimits.framesMax, bytesMax: this.queueLimits.bytesMax },
          'send queue full: dropping the oldest frames until it empties',
        );
      }
    }
    this.flush(peer);
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  /**
   * Closes every connection with `peerId`, ready or still dialing, as a network fault would.
   * Queued frames stay queued, and the next send dials again. Returns how many connections it
   * closed.
   */
  disconnect(peerId: string): number {
    const peer = this.peers.get(peerId);
    if (peer === undefined) {
      return 0;
    }
    const closing = [...peer.connections, ...(peer.dialing === undefined ? [] : [peer.dialing])];
    for (const connection of closing) {
      connection.destroy();
    }
    if (closing.length > 0) {
      this.logger.info({ endpoint: this.id, peer: peerId, connections: closing.length }, 'closed the connections to a peer on request');
    }
    return closing.length;
  }

  /** Returns the peer state for `id`, creating it when the address book lists `id`. A peer
   * without an address exists only while it has a connection. */
  private peerFor(id: string): Peer | undefined {
    const known = this.peers.get(id);
    if (known !== undefined) {
      return known;
    }

    const address = this.addresses.get(id);
    if (address === undefined) {
      return undefined;
    }
    const peer = newPeer(id, address, this.queueLimits);
    this.peers.set(id, peer);
    return peer;
  }

  /** Writes queued frames on the peer's newest ready connection until the queue is empty or a
   * write returns false, which means waiting for 'drain'. Without a ready connection, it starts a
   * dial. */
  private flush(peer: Peer): void {
    const connection = currentConnection(peer);
    if (connection === undefined) {
      this.dialIfIdle(peer);
      return;
    }
    if (connection.waitingForDrain) {
      return;
    }

    connection.cork();
    for (let frame = peer.queue.shift(); frame !== undefined; frame = peer.queue.shift()) {
      this.stats.framesOut += 1;
      if (!connection.write(frame)) {
        break;
      }
    }
    connection.uncork();

    if (peer.queue.length === 0) {
      peer.overflowing = false;
    }
  }

  private dialIfIdle(peer: Peer): void {
    if (peer.address === undefined || peer.dialing !== undefined || peer.reconnectTimer !== undefined) {
      return;
    }
    this.dial(peer, peer.address);
  }

  private dial(peer: Peer, address: TcpAddress): void {
    const socket = createConnection({ host: address.host, port: address.port });
    const connection = new Connection(socket, 'outbound', peer.id, formatAddress(address), this.context);
    this.connections.add(connection);
    peer.dialing = connection;
  }

  private scheduleReconnect(peer: Peer): void {
    if (peer.reconnectTimer !== undefined || peer.dialing !== undefined) {
      return;
    }

    const delayMs = reconnectDelayMs(peer.failures, this.backoff, Math.random());
    peer.reconnectTimer = setTimeout(() => {
      peer.reconnectTimer = undefined;
      if (this.closing !== undefined || currentConnection(peer) !== undefined || peer.address === undefined) {
        return;
      }
      this.stats.reconnects += 1;
      this.logger.debug({ endpoint: this.id, peer: peer.id, failures: peer.failures }, 'dialing the peer again');
      this.dial(peer, peer.address);
    }, delayMs);
  }

  private accept(socket: Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }

    this.stats.accepted += 1;
    const address = formatAddress({ host: socket.remoteAddress ?? 'unknown', port: socket.remotePort ?? 0 });
    this.connections.add(new Connection(socket, 'inbound', undefined, address, this.context));
  }

  /** Counts a connection the listener closed because the maximum number of connections was open,
   * and logs the 1st, 2nd, 4th, 8th and so on, so that a flood of connections cannot flood the log. */
  private connectionRejected(): void {
    this.stats.rejected += 1;
    const count = this.stats.rejected;
    if ((count & (count - 1)) === 0) {
      this.logger.warn(
        { endpoint: this.id, connectionsMax: this.inboundConnectionsMax, rejected: count },
        'rejected a connection: too many open connections',
      );
    }
  }

  private connectionReady(connection: Connection): void {
    const id = connection.peerId;
    if (this.closing !== undefined || id === undefined) {
      connection.destroy();
      return;
    }

    let peer = this.peers.get(id);
    if (peer === undefined) {
      peer = newPeer(id, this.addresses.get(id), this.queueLimits);
      this.peers.set(id, peer);
    }
    if (peer.dialing === connection) {
      peer.dialing = undefined;
    }
    if (peer.failures > 0) {
      this.logger.info({ endpoint: this.id, peer: id, address: connection.address, failures: peer.failures }, 'reconnected');
      peer.failures = 0;
    }

    peer.connections.push(connection);
    this.logger.debug({ endpoint: this.id, peer: id, address: connection.address, role: connection.role }, 'connection ready');
    this.flush(peer);
  }

  private connectionDrained(connection: Connection): void {
    const peer = connection.peerId === undefined ? undefined : this.peers.get(connection.peerId);
    if (peer !== undefined && currentConnection(peer) === connection) {
      this.flush(peer);
    }
  }

  private connectionClosed(connection: Connection, error: Error | undefined): void {
    this.connections.delete(connection);
    if (this.closing !== undefined) {
      if (this.connections.size === 0) {
        this.onAllClosed?.();
      }
      return;
    }

    const peer = connection.peerId === undefined ? undefined : this.peers.get(connection.peerId);
    if (peer === undefined) {
      return;
    }

    const index = peer.connections.indexOf(connection);
    const wasReady = index >= 0;
    if (wasReady) {
      peer.connections.splice(index, 1);
    }
    if (peer.dialing === connection) {
      peer.dialing = undefined;
    }

    if (wasReady) {
      this.logger.info(
        { endpoint: this.id, peer: peer.id, address: connection.address, role: connection.role, error: error?.message },
        'connection closed',
      );
    } else if (connection.role === 'outbound') {
      this.dialFailed(peer, connection, error);
    }

    if (peer.address === undefined && peer.connections.length === 0) {
      // A peer without an address can only come back on a new connection of its own.
      this.stats.dropped += peer.queue.clear();
      this.peers.delete(peer.id);
      return;
    }
    if (currentConnection(peer) !== undefined) {
      this.flush(peer);
    } else if (peer.queue.length > 0) {
      this.scheduleReconnect(peer);
    }
  }

  /** Counts a dial that closed before its hello exchange completed, and logs the first failure
   * of a series as a warning and later ones at debug level. */
  private dialFailed(peer: Peer, connection: Connection, error: Error | undefined): void {
    peer.failures += 1;
    const fields = {
      endpoint: this.id,
      peer: peer.id,
      address: connection.address,
      failures: peer.failures,
      error: error?.message,
      queued: peer.queue.length,
    };
    if (peer.failures === 1) {
      this.logger.warn(fields, 'connection to the peer failed, retrying with backoff');
    } else {
      this.logger.debug(fields, 'connection to the peer failed again');
    }
  }

  private deliver(from: string | undefined, payload: Uint8Array): void {
    const handler = this.handler;
    if (from === undefined || handler === undefined) {
      this.stats.dropped += 1;
      return;
    }

    this.stats.framesIn += 1;
    try {
      handler(from, payload);
    } catch (error) {
      // The handler's failure must not take down the connection that other frames share.
      this.logger.error(
        { endpoint: this.id, peer: from, error: error instanceof Error ? error.message : String(error) },
        'frame handler threw',
      );
    }
  }

  private sendToSelf(frame: Uint8Array): void {
    const copy = new Uint8Array(frame);
    this.stats.framesOut += 1;
    setImmediate(() => {
      if (this.closing === undefined) {
        this.deliver(this.id, copy);
      }
    });
  }

  private async shutDown(): Promise<void> {
    for (const peer of this.peers.values()) {
      clearTimeout(peer.reconnectTimer);
      peer.reconnectTimer = undefined;
      this.stats.dropped += peer.queue.clear();
    }
    this.peers.clear();

    const allClosed = new Promise<void>((resolve) => {
      if (this.connections.size === 0) {
        resolve();
      } else {
        this.onAllClosed = resolve;
      }
    });
    for (const connection of this.connections) {
      connection.destroy();
    }

    const server = this.server;
    const serverClosed = new Promise<void>((resolve) => {
      if (server === undefined) {
        resolve();
      } else {
        server.close(() => resolve());
      }
    });

    await Promise.all([allClosed, serverClosed]);
    this.logger.info({ endpoint: this.id, ...this.stats }, 'transport closed');
  }
}

const positive = (name: string, value: number): number => {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`invalid ${name} ${value}: use a positive number`);
  }
  return value;
};

const listenError = (id: string, address: TcpAddress, error: NodeJS.ErrnoException): Error => {
  const where = formatAddress(address);
  const advice =
    error.code === 'EADDRINUSE'
      ? 'stop the process that holds the port or choose another port'
      : error.code === 'EACCES'
        ? 'choose a port above 1023 or grant the process the right to bind it'
        : 'check the host and port';
  return new Error(`transport ${id} cannot listen on ${where} (${error.message}): ${advice}`, { cause: error });
};
