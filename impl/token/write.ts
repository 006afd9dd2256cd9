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

  const object = Buffer.from(token.object, 'utf8');
  const rights = token.kind === 'capability' ? rightsToBits(token.rights) : 0;

  const bytes = Buffer.alloc(HEADER_BYTES + object.length + 2 * U32_BYTES + 1);
  let offset = 0;
  offset = bytes.writeUInt8(TOKEN_FORMAT_VERSION, offset);
  offset = bytes.writeUInt8(KIND_CODES[token.kind], offset);
  offset = bytes.writeUInt8(object.length, offset);
  offset += object.copy(bytes, offset);
  offset = bytes.writeUInt32BE(token.slot, offset);
  offset = bytes.writeUInt32BE(token.version, offset);
  offset = bytes.writeUInt8(rights, offset);
  invariant(offset === bytes.length, `minted part encoded to ${offset} of ${bytes.length} bytes`);

  return new Uint8Array(bytes);
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
