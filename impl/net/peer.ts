/** State of one peer endpoint in a TCP transport: its send queue, connections and dial state. */
import type { TcpAddress } from './address-book.ts';
import type { Connection } from './connection.ts';
import { FrameQueue, type FrameQueueLimits } from './frame-queue.ts';

export interface Peer {
  readonly id: string;
  /** Listen address from the address book, or `undefined` for a peer that can only be reached
   * on a connection it opened, such as a client. */
  readonly address: TcpAddress | undefined;
  readonly queue: FrameQueue;
  /** Ready connections, oldest first. Sends use the newest one. */
  readonly connections: Connection[];
  /** The outbound connection that is connecting or exchanging hellos. */
  dialing: Connection | undefined;
  /** Pending timer of the next dial. */
  reconnectTimer: NodeJS.Timeout | undefined;
  /** Dials that failed since the last one that succeeded. */
  failures: number;
  /** Whether the queue dropped frames since it was last empty, so that a burst of drops logs
   * one warning. */
  overflowing: boolean;
}

export const newPeer = (id: string, address: TcpAddress | undefined, limits: FrameQueueLimits): Peer => ({
  id,
  address,
  queue: new FrameQueue(limits),
  connections: [],
  dialing: undefined,
  reconnectTimer: undefined,
  failures: 0,
  overflowing: false,
});

/** Returns the newest connection that is still ready, which sends use, or `undefined` when there
 * is none. A closed connection stays in `connections` until its 'close' event arrives. */
export const currentConnection = (peer: Peer): Connection | undefined => {
  for (let index = peer.connections.length - 1; index >= 0; index -= 1) {
    const connection = peer.connections[index];
    if (connection?.state === 'ready') {
      return connection;
    }
  }
  return undefined;
};

export interface BackoffLimits {
  /** Delay after the first failure, in milliseconds. */
  readonly delayMsMin: number;
  readonly delayMsMax: number;
}

/**
 * Returns the delay before the next dial after `failures` consecutive failed dials, in
 * milliseconds. The base delay is the minimum, doubled once per failure after the first and
 * capped at the maximum. `jitter` (from 0 to 1) scales it into its upper half, so that peers
 * that lost the same listener do not all dial it again at the same instant.
 */
export const reconnectDelayMs = (failures: number, limits: BackoffLimits, jitter: number): number => {
  const doublings = Math.max(0, failures - 1);
  const backoff = Math.min(limits.delayMsMax, limits.delayMsMin * 2 ** Math.min(doublings, 30));
  return backoff * (0.5 + jitter / 2);
};
