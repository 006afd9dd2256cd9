/**
 * Frames: one message per frame, as UTF-8 JSON. Decoding never throws: every failure becomes a
 * message that names what was wrong, for the receiver to log with the peer's id.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { FRAME_BYTES_MAX } from '../limits.ts';
import { MessageCodec, type Message } from './messages.ts';
import { INVALID, quickDecode } from './quick-decode.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a message as UTF-8 JSON. The bytes come from Node's shared pool of small buffers,
 * which is cheaper than memory of their own. So the returned array's `buffer` may hold other
 * data: read it through `byteOffset` and `byteLength`. */
export const encodeFrame = (message: Message): Uint8Array => {
  const bytes = Buffer.from(JSON.stringify(MessageCodec.encode(message)), 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const describeErrors = (errors: t.Errors): string => {
  const first = errors[0];
  if (first === undefined) {
    return 'invalid message';
  }
  const path = first.context
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .join('.');
  let value = JSON.stringify(first.value) ?? 'undefined';
  if (value.length > 80) {
    value = `${value.slice(0, 77)}...`;
  }
  return first.message ?? `invalid value ${value} at ${path === '' ? 'the top level' : path}`;
};

export const decodeFrame = (frame: Uint8Array): E.Either<string, Message> => {
  if (frame.byteLength > FRAME_BYTES_MAX) {
    return E.left(`frame of ${frame.byteLength} bytes exceeds the maximum of ${FRAME_BYTES_MAX} bytes`);
  }
  let text: string;
  try {
    text = decoder.decode(frame);
  } catch {
    return E.left('frame is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return E.left(`frame is not valid JSON (${frame.byteLength} bytes)`);
  }
  const quick = quickDecode(MessageCodec, parsed);
  if (quick !== INVALID) {
    return E.right(quick as Message);
  }
  // Decode again with error reports, only to say what is wrong.
  const decoded = MessageCodec.decode(parsed);
  return E.isLeft(decoded) ? E.left(`frame is not a valid message: ${describeErrors(decoded.left)}`) : decoded;
};
