/**
 * The hello frame, the first frame each side sends on a TCP connection. It names the sender and
 * the endpoint the sender expects at the other end. A listener thus learns which client to send
 * responses to on that connection, and a misrouted connection is closed at once.
 *
 * Layout: the 4 ASCII bytes `SCAP`, a version byte, the length of the sender id in bytes, the
 * sender id, then the receiver id up to the end of the frame. Both ids are endpoint ids.
 */
import * as E from 'fp-ts/lib/Either.js';
import { checkEndpointId } from '../sim/network.ts';
import { ENDPOINT_ID_LENGTH_MAX } from '../sim/defaults.ts';

const MAGIC = Uint8Array.from([0x53, 0x43, 0x41, 0x50]);

/** Version of the TCP framing. A peer with another version is disconnected. */
export const HELLO_VERSION = 1;

const HEADER_BYTES = MAGIC.byteLength + 2;

/** Maximum payload of a hello frame, in bytes: the header and two endpoint ids of maximum length. */
export const HELLO_BYTES_MAX = HEADER_BYTES + 2 * ENDPOINT_ID_LENGTH_MAX;

export interface Hello {
  /** Endpoint id of the sender. */
  readonly from: string;
  /** Endpoint id the sender expects at the other end of the connection. */
  readonly to: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a hello payload. Throws a RangeError for an invalid endpoint id, because ids come from
 * configuration, not from a peer. */
export const encodeHello = (hello: Hello): Uint8Array => {
  checkEndpointId(hello.from);
  checkEndpointId(hello.to);

  const from = encoder.encode(hello.from);
  const to = encoder.encode(hello.to);
  const out = new Uint8Array(HEADER_BYTES + from.byteLength + to.byteLength);
  out.set(MAGIC, 0);
  out[MAGIC.byteLength] = HELLO_VERSION;
  out[MAGIC.byteLength + 1] = from.byteLength;
  out.set(from, HEADER_BYTES);
  out.set(to, HEADER_BYTES + from.byteLength);
  return out;
};

/** Decodes a hello payload received from a peer. The error describes what is wrong without
 * quoting the peer's bytes, so that it can be logged as is. */
export const decodeHello = (payload: Uint8Array): E.Either<string, Hello> => {
  if (payload.byteLength < HEADER_BYTES) {
    return E.left(`hello of ${payload.byteLength} bytes is shorter than its ${HEADER_BYTES}-byte header`);
  }
  if (!MAGIC.every((byte, index) => payload[index] === byte)) {
    return E.left('hello does not start with the SCAP magic bytes');
  }

  const version = payload[MAGIC.byteLength] as number;
  if (version !== HELLO_VERSION) {
    return E.left(`hello has version ${version}, but this endpoint speaks version ${HELLO_VERSION}`);
  }

  const fromLength = payload[MAGIC.byteLength + 1] as number;
  if (HEADER_BYTES + fromLength > payload.byteLength) {
    return E.left(`hello sender id length ${fromLength} runs past the end of the ${payload.byteLength}-byte frame`);
  }

  const from = decodeEndpointId(payload.subarray(HEADER_BYTES, HEADER_BYTES + fromLength));
  if (from === undefined) {
    return E.left(`hello sender id of ${fromLength} bytes is not a valid endpoint id`);
  }
  const to = decodeEndpointId(payload.subarray(HEADER_BYTES + fromLength));
  if (to === undefined) {
    return E.left(`hello receiver id of ${payload.byteLength - HEADER_BYTES - fromLength} bytes is not a valid endpoint id`);
  }
  return E.right({ from, to });
};

const decodeEndpointId = (bytes: Uint8Array): string | undefined => {
  let text: string;
  try {
    text = decoder.decode(bytes);
    checkEndpointId(text);
  } catch {
    return undefined;
  }
  return text;
};
