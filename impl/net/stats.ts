/** Counters of one TCP transport, for tests and monitoring. They only grow. */
export interface TcpTransportStats {
  /** Data frames handed to the frame handler. */
  framesIn: number;
  /** Data frames written to a socket. A frame written to a connection that then fails is lost
   * without being counted anywhere else. */
  framesOut: number;
  /** Connections closed because the peer broke the framing or hello rules. */
  malformed: number;
  /** Frames dropped: queue overflow, no route to the peer, oversized, sent after close, or
   * still queued at close. */
  dropped: number;
  /** Dials of a peer after a failed or lost connection. */
  reconnects: number;
  /** Times a socket write returned false, so that sending paused until 'drain'. */
  drainWaits: number;
  /** Connections accepted by the listener. */
  accepted: number;
  /** Connections the listener closed at once because the maximum number of connections was open. */
  rejected: number;
}

export const emptyStats = (): TcpTransportStats => ({
  framesIn: 0,
  framesOut: 0,
  malformed: 0,
  dropped: 0,
  reconnects: 0,
  drainWaits: 0,
  accepted: 0,
  rejected: 0,
});
