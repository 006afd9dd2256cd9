/**
 * One TCP connection of the transport: the hello exchange, frame parsing and writes. A peer that
 * breaks the framing or hello rules is logged and disconnected. Only this connection closes, so
 * the endpoint keeps serving every other peer.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Socket } from 'node:net';
import { FRAME_BYTES_MAX } from '../limits.ts';
import type { Logger } from '../ports.ts';
import { encodeLengthPrefixed, FrameReader } from './frame-reader.ts';
import { decodeHello, encodeHello, HELLO_BYTES_MAX, type Hello } from './hello.ts';
import type { TcpTransportStats } from './stats.ts';

/** `outbound` connections were dialed by this endpoint, `inbound` ones accepted by its listener. */
export type ConnectionRole = 'inbound' | 'outbound';

/** `hello` until both hellos are exchanged, then `ready` for data frames, then `closed`. */
export type ConnectionState = 'hello' | 'ready' | 'closed';

/** Callbacks from a connection to its transport. */
export interface ConnectionEvents {
  /** The hello exchange completed, so `peerId` is set and data frames may be written. */
  ready(connection: Connection): void;
  /** A data frame arrived on a ready connection. */
  frame(connection: Connection, payload: Uint8Array): void;
  /** The socket flushed its buffer after a write that returned false. */
  drain(connection: Connection): void;
  /** The socket closed. `error` is the socket error that closed it, if one did. */
  closed(connection: Connection, error: Error | undefined): void;
}

export interface ConnectionContext {
  readonly selfId: string;
  readonly logger: Logger;
  readonly stats: TcpTransportStats;
  /** Time allowed to connect and exchange hellos, in milliseconds. */
  readonly helloTimeoutMs: number;
  readonly events: ConnectionEvents;
}

export class Connection {
  /** Endpoint id of the peer: the dialed id for an outbound connection, the id its hello names
   * for an inbound one once the hello arrives. */
  peerId: string | undefined;
  state: ConnectionState = 'hello';
  /** Whether the last write returned false and no 'drain' has followed yet. */
  waitingForDrain = false;

  private readonly reader = new FrameReader({ firstFrameBytesMax: HELLO_BYTES_MAX, frameBytesMax: FRAME_BYTES_MAX });
  private readonly helloTimer: NodeJS.Timeout;
  private lastError: Error | undefined;

  /** For an outbound connection, `expectedPeer` is the dialed endpoint id and `socket` is still
   * connecting. An inbound socket is already connected. `address` is the remote `host:port`,
   * kept for logs because a destroyed socket may no longer report it. */
  constructor(
    private readonly socket: Socket,
    readonly role: ConnectionRole,
    expectedPeer: string | undefined,
    readonly address: string,
    private readonly context: ConnectionContext,
  ) {
    this.peerId = expectedPeer;
    socket.setNoDelay(true);

    this.helloTimer = setTimeout(() => this.helloTimedOut(), context.helloTimeoutMs);
    this.helloTimer.unref();

    if (role === 'outbound') {
      socket.once('connect', () => this.sendHello());
    }
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.ended());
    socket.on('drain', () => this.drained());
    socket.on('error', (error: Error) => {
      this.lastError = error;
    });
    socket.on('close', () => this.closed());
  }

  /**
   * Writes one length-prefixed frame and returns the result of `socket.write`: false means the
   * socket buffer is past its high-water mark, so the caller should wait for the `drain` event.
   */
  write(prefixedFrame: Uint8Array): boolean {
    const flushed = this.socket.write(prefixedFrame);
    if (!flushed) {
      this.waitingForDrain = true;
      this.context.stats.drainWaits += 1;
    }
    return flushed;
  }

  /** Batches the writes of one flush into fewer TCP segments, until `uncork`. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Closes the connection at once, discarding unsent data. */
  destroy(): void {
    this.state = 'closed';
    this.socket.destroy();
  }

  private sendHello(): void {
    const to = this.peerId;
    if (to === undefined || this.state !== 'hello') {
      return;
    }
    this.socket.write(encodeLengthPrefixed(encodeHello({ from: this.context.selfId, to })));
  }

  private receive(chunk: Buffer): void {
    const { frames, error } = this.reader.push(chunk);

    for (const payload of frames) {
      if (this.state === 'closed') {
        return;
      }
      if (this.state === 'hello') {
        this.receiveHello(payload);
      } else {
        this.context.events.frame(this, payload);
      }
    }

    if (error !== undefined && this.state !== 'closed') {
      this.reject(error);
    }
  }

  private receiveHello(payload: Uint8Array): void {
    const decoded = decodeHello(payload);
    if (E.isLeft(decoded)) {
      this.reject(`invalid hello: ${decoded.left}`);
      return;
    }

    const mismatch = this.checkHello(decoded.right);
    if (mismatch !== undefined) {
      this.reject(mismatch);
      return;
    }

    this.peerId = decoded.right.from;
    if (this.role === 'inbound') {
      this.socket.write(encodeLengthPrefixed(encodeHello({ from: this.context.selfId, to: decoded.right.from })));
    }
    clearTimeout(this.helloTimer);
    this.state = 'ready';
    this.context.events.ready(this);
  }

  /** Returns the reason a well-formed hello does not fit this connection, or `undefined` when it fits. */
  private checkHello(hello: Hello): string | undefined {
    const self = this.context.selfId;
    if (hello.to !== self) {
      return `hello from ${hello.from} is addressed to endpoint ${hello.to}, not to ${self}: check the peer's address book`;
    }
    if (this.role === 'outbound' && hello.from !== this.peerId) {
      return `dialed ${this.peerId ?? 'unknown'} but the listener is ${hello.from}: check this endpoint's address book`;
    }
    if (hello.from === self) {
      return `hello names this endpoint's own id ${self} as the sender: give every endpoint a distinct id`;
    }
    return undefined;
  }

  private ended(): void {
    if (this.reader.midFrame) {
      this.reject('connection ended in the middle of a frame');
    }
  }

  private drained(): void {
    if (this.waitingForDrain) {
      this.waitingForDrain = false;
      this.context.events.drain(this);
    }
  }

  private helloTimedOut(): void {
    if (this.state !== 'hello') {
      return;
    }
    if (this.socket.connecting) {
      this.socket.destroy(new Error(`connect timed out after ${this.context.helloTimeoutMs} ms`));
      return;
    }
    this.reject(`no hello within ${this.context.helloTimeoutMs} ms`);
  }

  /** Logs a protocol error of the peer and closes the connection. The reason quotes no payload
   * bytes, except endpoint ids from a hello that passed validation. */
  private reject(reason: string): void {
    this.context.stats.malformed += 1;
    this.context.logger.warn(
      { endpoint: this.context.selfId, peer: this.peerId, address: this.address, role: this.role, reason },
      'closed a connection after a protocol error',
    );
    this.state = 'closed';
    this.socket.destroy();
  }

  private closed(): void {
    clearTimeout(this.helloTimer);
    this.state = 'closed';
    this.context.events.closed(this, this.lastError);
  }
}
