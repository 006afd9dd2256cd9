/**
 * Length-prefixed frames on a byte stream: each frame is a 32-bit big-endian payload length
 * followed by the payload. The reader checks a length against its maximum as soon as the four
 * prefix bytes arrive, before it allocates or buffers any payload byte.
 */

/** Size of the length prefix, in bytes. */
export const LENGTH_PREFIX_BYTES = 4;

/** Returns a new buffer holding the length prefix and a copy of `payload`. */
export const encodeLengthPrefixed = (payload: Uint8Array): Uint8Array => {
  const out = new Uint8Array(LENGTH_PREFIX_BYTES + payload.byteLength);
  new DataView(out.buffer).setUint32(0, payload.byteLength, false);
  out.set(payload, LENGTH_PREFIX_BYTES);
  return out;
};

/** Frames completed by one `push`, and the reason the stream is invalid when it is. Frames
 * completed before the invalid length in the same chunk are still returned. */
export interface PushResult {
  readonly frames: Uint8Array[];
  readonly error: string | undefined;
}

export interface FrameLimits {
  /** Maximum payload of the first frame on the stream, in bytes. */
  readonly firstFrameBytesMax: number;
  /** Maximum payload of every later frame, in bytes. */
  readonly frameBytesMax: number;
}

/** Incremental parser of one stream. After it reports an error it rejects every later push,
 * because the frame boundaries are lost. */
export class FrameReader {
  private readonly prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
  private prefixFilled = 0;
  private payload: Uint8Array | undefined;
  private payloadFilled = 0;
  private framesRead = 0;
  private failure: string | undefined;

  constructor(private readonly limits: FrameLimits) {}

  /** Whether bytes of an incomplete frame are buffered, so that the stream ending now would cut
   * a frame short. */
  get midFrame(): boolean {
    return this.prefixFilled > 0;
  }

  /** Consumes one chunk of the stream and returns every frame it completes. Each returned frame
   * is its own buffer, so the caller may keep it. */
  push(chunk: Uint8Array): PushResult {
    const frames: Uint8Array[] = [];
    if (this.failure !== undefined) {
      return { frames, error: this.failure };
    }

    let offset = 0;
    while (offset < chunk.byteLength) {
      if (this.payload === undefined) {
        const copied = Math.min(LENGTH_PREFIX_BYTES - this.prefixFilled, chunk.byteLength - offset);
        this.prefix.set(chunk.subarray(offset, offset + copied), this.prefixFilled);
        this.prefixFilled += copied;
        offset += copied;
        if (this.prefixFilled < LENGTH_PREFIX_BYTES) {
          break;
        }

        const length = new DataView(this.prefix.buffer).getUint32(0, false);
        const max = this.framesRead === 0 ? this.limits.firstFrameBytesMax : this.limits.frameBytesMax;
        if (length > max) {
          this.failure = `frame length ${length} exceeds the maximum of ${max} bytes`;
          return { frames, error: this.failure };
        }
        this.payload = new Uint8Array(length);
        this.payloadFilled = 0;
      }

      const copied = Math.min(this.payload.byteLength - this.payloadFilled, chunk.byteLength - offset);
      this.payload.set(chunk.subarray(offset, offset + copied), this.payloadFilled);
      this.payloadFilled += copied;
      offset += copied;

      if (this.payloadFilled === this.payload.byteLength) {
        frames.push(this.payload);
        this.framesRead += 1;
        this.payload = undefined;
        this.prefixFilled = 0;
      }
    }
    return { frames, error: undefined };
  }
}
