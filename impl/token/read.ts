/**
 * Parsing of token bytes, strict enough that only canonical encodings pass: every field must be
 * in range and no byte may follow the MAC. Each rejection names the field and what is allowed.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isObjectId, type ObjectId, type Rights } from '../../model/index.ts';
import { CAVEATS_MAX, SLOT_VERSION_MAX, SLOTS_PER_OBJECT_MAX, TOKEN_OBJECT_ID_BYTES_MAX } from '../limits.ts';
import { kindOfCode, MAC_BYTES, TOKEN_FORMAT_VERSION, U32_BYTES } from './format.ts';
import { countOf, formatByte } from './message.ts';
import { bitsToRights, KNOWN_RIGHTS_BITS, RIGHTS_BITS_HINT } from './rights-bits.ts';
import type { Token } from './token.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads fields in order from a byte array, failing with a message when the bytes run out. */
class Reader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  take(count: number, field: string): E.Either<string, Uint8Array> {
    if (this.offset + count > this.bytes.length) {
      return this.truncated(field);
    }
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return E.right(slice);
  }

  byte(field: string): E.Either<string, number> {
    if (this.offset + 1 > this.bytes.length) {
      return this.truncated(field);
    }
    return E.right(this.bytes[this.offset++] as number);
  }

  /** Reads an unsigned 32-bit big-endian integer. */
  u32(field: string): E.Either<string, number> {
    if (this.offset + U32_BYTES > this.bytes.length) {
      return this.truncated(field);
    }
    const bytes = this.bytes;
    const at = this.offset;
    this.offset += U32_BYTES;
    // The top byte is multiplied rather than shifted, because a shift by 24 could set the sign bit.
    return E.right((bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)));
  }

  private truncated(field: string): E.Either<string, never> {
    return E.left(`token ends after ${countOf(this.bytes.length, 'byte')}, inside its ${field}; it was probably truncated`);
  }

  remaining(): number {
    return this.bytes.length - this.offset;
  }
}

/** Parses token bytes, or returns a message naming the first problem. The message never contains
 * the MAC. */
export const parseTokenBytes = (bytes: Uint8Array): E.Either<string, Token> => {
  const reader = new Reader(bytes);

  const format = reader.byte('format version');
  if (E.isLeft(format)) {
    return format;
  }
  if (format.right !== TOKEN_FORMAT_VERSION) {
    return E.left(`token format version ${format.right} is unknown; this implementation reads version ${TOKEN_FORMAT_VERSION}`);
  }

  const kindCode = reader.byte('kind');
  if (E.isLeft(kindCode)) {
    return kindCode;
  }
  const kind = kindOfCode(kindCode.right);
  if (kind === undefined) {
    return E.left(`token kind ${formatByte(kindCode.right)} is unknown; a token is a capability (0x01) or a revoker (0x02)`);
  }

  const object = readObjectId(reader);
  if (E.isLeft(object)) {
    return object;
  }

  const slot = reader.u32('slot');
  if (E.isLeft(slot)) {
    return slot;
  }
  if (slot.right >= SLOTS_PER_OBJECT_MAX) {
    return E.left(`token slot ${slot.right} is out of range; slots are 0 to ${SLOTS_PER_OBJECT_MAX - 1}`);
  }

  const version = reader.u32('version');
  if (E.isLeft(version)) {
    return version;
  }
  if (version.right > SLOT_VERSION_MAX) {
    return E.left(`token version ${version.right} is out of range; versions are 0 to ${SLOT_VERSION_MAX}`);
  }

  const rights = readRights(reader, kind);
  if (E.isLeft(rights)) {
    return rights;
  }

  const caveats = readCaveats(reader, kind);
  if (E.isLeft(caveats)) {
    return caveats;
  }

  const mac = reader.take(MAC_BYTES, `${MAC_BYTES}-byte MAC`);
  if (E.isLeft(mac)) {
    return mac;
  }
  if (reader.remaining() > 0) {
    return E.left(`token has ${countOf(reader.remaining(), 'byte')} after its MAC; the MAC must end the token`);
  }

  const fields = { object: object.right, slot: slot.right, version: version.right, mac: new Uint8Array(mac.right) };
  if (kind === 'revoker') {
    return E.right({ kind, ...fields });
  }
  return E.right({ kind, ...fields, rights: rights.right, caveats: caveats.right });
};

const readObjectId = (reader: Reader): E.Either<string, ObjectId> => {
  const length = reader.byte('object id length');
  if (E.isLeft(length)) {
    return length;
  }
  if (length.right === 0 || length.right > TOKEN_OBJECT_ID_BYTES_MAX) {
    return E.left(`token object id length ${length.right} is out of range; an object id has 1 to ${TOKEN_OBJECT_ID_BYTES_MAX} bytes`);
  }

  const raw = reader.take(length.right, 'object id');
  if (E.isLeft(raw)) {
    return raw;
  }

  let text: string;
  try {
    text = utf8.decode(raw.right);
  } catch {
    return E.left('token object id is not valid UTF-8');
  }
  // The message leaves out the text: in a damaged token the declared length can reach into the MAC.
  if (!isObjectId(text)) {
    return E.left(
      `token object id (${length.right} bytes) is invalid; an object id is <owner>/<serial>, the owner 1 to 32 ` +
        'lowercase letters, digits or dashes starting with a letter or digit, the serial a decimal without leading zeros',
    );
  }

  return E.right(text);
};

const readRights = (reader: Reader, kind: Token['kind']): E.Either<string, Rights> => {
  const bits = reader.byte('rights');
  if (E.isLeft(bits)) {
    return bits;
  }
  if (kind === 'revoker' && bits.right !== 0) {
    return E.left(`revoker token has rights bits ${formatByte(bits.right)}; a revoker carries no rights, so the byte must be 0x00`);
  }
  if ((bits.right & ~KNOWN_RIGHTS_BITS) !== 0) {
    return E.left(`token rights have unknown bits ${formatByte(bits.right & ~KNOWN_RIGHTS_BITS)}; ${RIGHTS_BITS_HINT}`);
  }

  return E.right(bitsToRights(bits.right));
};

const readCaveats = (reader: Reader, kind: Token['kind']): E.Either<string, ReadonlyArray<Rights>> => {
  const count = reader.byte('caveat count');
  if (E.isLeft(count)) {
    return count;
  }
  if (kind === 'revoker' && count.right !== 0) {
    return E.left(`revoker token has ${countOf(count.right, 'caveat')}; a revoker carries none, so the count must be 0`);
  }
  if (count.right > CAVEATS_MAX) {
    return E.left(`token has ${countOf(count.right, 'caveat')}; at most ${CAVEATS_MAX} are allowed`);
  }

  const caveats: Rights[] = [];
  for (let index = 0; index < count.right; index += 1) {
    const bits = reader.byte(`caveat ${index + 1} of ${count.right}`);
    if (E.isLeft(bits)) {
      return bits;
    }
    if ((bits.right & ~KNOWN_RIGHTS_BITS) !== 0) {
      const unknown = formatByte(bits.right & ~KNOWN_RIGHTS_BITS);
      return E.left(`token caveat ${index + 1} of ${count.right} has unknown rights bits ${unknown}; ${RIGHTS_BITS_HINT}`);
    }
    caveats.push(bitsToRights(bits.right));
  }

  return E.right(caveats);
};
