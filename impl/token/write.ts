/** Encoding of a token into the bytes described in format.ts, and of the parts the MAC covers. */
import { invariant, type Rights } from '../../model/index.ts';
import { HEADER_BYTES, KIND_CODES, MAC_BYTES, TOKEN_FORMAT_VERSION, U32_BYTES } from './format.ts';
import { unsignedTokenProblem } from './guard.ts';
import { rightsToBits } from './rights-bits.ts';
import type { Token, UnsignedToken } from './token.ts';

/** Encodes the part the owner minted: format version, kind, object id, slot, version, base rights.
 * Throws a Defect for a token whose fields are out of range. */
export const encodeMintedPart = (token: UnsignedToken): Uint8Array => {
  const problem = unsignedTokenProblem(token);
  invariant(problem === undefined, `cannot encode an invalid token: ${problem}`);

  // A valid object id is ASCII (OBJECT_ID_PATTERN), so each character is one UTF-8 byte.
  const object = token.object;
  const rights = token.kind === 'capability' ? rightsToBits(token.rights) : 0;

  const bytes = new Uint8Array(HEADER_BYTES + object.length + 2 * U32_BYTES + 1);
  let offset = 0;
  bytes[offset++] = TOKEN_FORMAT_VERSION;
  bytes[offset++] = KIND_CODES[token.kind];
  bytes[offset++] = object.length;
  for (let index = 0; index < object.length; index++) {
    bytes[offset++] = object.charCodeAt(index);
  }
  offset = writeUint32(bytes, offset, token.slot);
  offset = writeUint32(bytes, offset, token.version);
  bytes[offset++] = rights;
  invariant(offset === bytes.length, `minted part encoded to ${offset} of ${bytes.length} bytes`);

  return bytes;
};

/** Writes `value` as 4 bytes big-endian at `offset` and returns the offset after them. */
const writeUint32 = (bytes: Uint8Array, offset: number, value: number): number => {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
  return offset + U32_BYTES;
};

/** Encodes caveat `index` (counted from 0) for the MAC chain: one byte of index, then one byte of rights. */
export const encodeCaveat = (index: number, rights: Rights): Uint8Array => Uint8Array.of(index, rightsToBits(rights));

/** Encodes a whole token. Throws a Defect for a token whose fields are out of range. */
export const encodeTokenBytes = (token: Token): Uint8Array => {
  invariant(token.mac.length === MAC_BYTES, `cannot encode a token whose MAC has ${token.mac.length} bytes instead of ${MAC_BYTES}`);
  const minted = encodeMintedPart(token);
  const caveats = token.kind === 'capability' ? token.caveats.map(rightsToBits) : [];

  const bytes = new Uint8Array(minted.length + 1 + caveats.length + MAC_BYTES);
  bytes.set(minted, 0);
  bytes[minted.length] = caveats.length;
  bytes.set(caveats, minted.length + 1);
  bytes.set(token.mac, minted.length + 1 + caveats.length);

  return bytes;
};
