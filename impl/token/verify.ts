/** Owner-side verification of a token's MAC. */
import { timingSafeEqual } from 'node:crypto';
import type { OwnerKey } from './key.ts';
import { computeTokenMac } from './mac.ts';
import type { Token } from './token.ts';

/**
 * Returns whether the owner's key produced the token's MAC, recomputing the whole chain and
 * comparing in constant time. It checks the MAC only: whether the minted incarnation is still
 * current is the guard's question. Throws a Defect for a token whose fields are out of range,
 * which a decoded or minted token never has.
 */
export const verifyToken = (key: OwnerKey, token: Token): boolean => {
  const expected = computeTokenMac(key, token);
  if (token.mac.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(expected, token.mac);
};
