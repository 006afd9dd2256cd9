/**
 * The binary layout of a token, format version 1. Every field has one valid encoding, so two
 * different byte strings never decode to the same token.
 *
 * | bytes | field                                                                 |
 * | ----- | --------------------------------------------------------------------- |
 * | 1     | format version, TOKEN_FORMAT_VERSION                                  |
 * | 1     | kind: 1 capability, 2 revoker                                         |
 * | 1     | object id length n, 1 to TOKEN_OBJECT_ID_BYTES_MAX                    |
 * | n     | object id in UTF-8, matching OBJECT_ID_PATTERN                        |
 * | 4     | slot, unsigned big-endian, below SLOTS_PER_OBJECT_MAX                 |
 * | 4     | version, unsigned big-endian, at most SLOT_VERSION_MAX                |
 * | 1     | base rights bitmask (read=1, write=2, grant=4); 0 for a revoker       |
 * | 1     | caveat count c, at most CAVEATS_MAX; 0 for a revoker                  |
 * | c     | one rights bitmask per caveat, oldest first                           |
 * | 32    | MAC                                                                   |
 *
 * The minted part is everything before the caveat count. The string form is the bytes in
 * base64url without padding.
 */
import { CAVEATS_MAX } from '../limits.ts';
import { invariant } from '../../model/index.ts';
import type { TokenKind } from './token.ts';

export const TOKEN_FORMAT_VERSION = 1;

export const KIND_CODES: Readonly<Record<TokenKind, number>> = { capability: 1, revoker: 2 };

export const MAC_BYTES = 32;

/** Bytes of a 32-bit unsigned field (slot and version). */
export const U32_BYTES = 4;

/** Bytes before the object id: format version, kind, object id length. */
export const HEADER_BYTES = 3;

invariant(CAVEATS_MAX <= 0xff, `CAVEATS_MAX is ${CAVEATS_MAX}, but a token stores the caveat count and index in one byte`);

export const kindOfCode = (code: number): TokenKind | undefined => {
  if (code === KIND_CODES.capability) {
    return 'capability';
  }
  if (code === KIND_CODES.revoker) {
    return 'revoker';
  }
  return undefined;
};
