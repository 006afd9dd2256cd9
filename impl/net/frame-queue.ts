/**
 * The send queue of one peer: encoded frames waiting for a connection or for 'drain'. It is
 * bounded by a frame count and a byte count. A push past either bound drops the oldest frames,
 * because a client retries with fresh frames and a stale frame is the least useful one.
 */

export interface FrameQueueLimits {
  readonly framesMax: number;
  /** Maximum total size of the queued frames, in bytes. */
  readonly bytesMax: number;
}

export class FrameQueue {
  private readonly frames: Uint8Array[] = [];
  /** Index of the oldest frame still queued. Shifting an array is linear, so consumed slots
   * are compacted away only once they make up half of the array. */
  private head = 0;
  private queuedBytes = 0;

  constructor(private readonly limits: FrameQueueLimits) {}

  get length(): number {
    return this.frames.length - this.head;
  }

  /** Total size of the queued frames, in bytes. */
  get bytes(): number {
    return this.queuedBytes;
  }

  /** Appends one frame and returns how many older frames were dropped to make room. A frame
   * larger than `bytesMax` is never queued, and counts as one dropped frame. */
  push(frame: Uint8Array): number {
    if (frame.byteLength > this.limits.bytesMax) {
      return 1;
    }

    let dropped = 0;
    while (this.length >= this.limits.framesMax || this.queuedBytes + frame.byteLength > this.limits.bytesMax) {
      this.shift();
      dropped += 1;
    }
    this.frames.push(frame);
    this.queuedBytes += frame.byteLength;
    return dropped;
  }

  /** Removes and returns the oldest frame, or `undefined` when the queue is empty. */
  shift(): Uint8Array | undefined {
    const frame = this.frames[this.head];
    if (frame === undefined) {
      return undefined;
    }

    this.head += 1;
    this.queuedBytes -= frame.byteLength;
    if (this.head * 2 >= this.frames.length) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
    return frame;
  }

  /** Empties the queue and returns the number of frames removed. */
  clear(): number {
    const count = this.length;
    this.frames.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    return count;
  }
}
