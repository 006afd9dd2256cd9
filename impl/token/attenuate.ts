/** Offline attenuation of a capability token: no key and no owner needed. */
import * as E from 'fp-ts/lib/Either.js';
import { rightsExceeded, tooManyCaveats, type Refusal, type Rights } from '../../model/index.ts';
import { CAVEATS_MAX } from '../limits.ts';
import { chainCaveat } from './mac.ts';
import { bitsToRights, rightsToBits } from './rights-bits.ts';
import type { CapabilityToken } from './token.ts';

/**
 * Narrows a capability token to `rights` by appending a caveat and moving the MAC chain on from
 * the token's current MAC. Refuses as the model's `attenuate` does and in the same order: rights
 * the token does not hold give `RightsExceeded`, and a caveat past CAVEATS_MAX gives
 * `TooManyCaveats`. Like the model, it cannot tell a forged or revoked token from a valid one.
 */
export const attenuateToken = (token: CapabilityToken, rights: Rights): E.Either<Refusal, CapabilityToken> => {
  const heldBits = token.caveats.reduce((bits, caveat) => bits & rightsToBits(caveat), rightsToBits(token.rights));
  const requestedBits = rightsToBits(rights);
  if ((requestedBits & ~heldBits) !== 0) {
    return E.left(rightsExceeded(bitsToRights(requestedBits), bitsToRights(heldBits)));
  }

  const count = token.caveats.length + 1;
  if (count > CAVEATS_MAX) {
    return E.left(tooManyCaveats(count, CAVEATS_MAX));
  }

  const caveat = bitsToRights(requestedBits);
  const mac = chainCaveat(token.mac, token.caveats.length, caveat);
  return E.right({ ...token, caveats: [...token.caveats, caveat], mac });
};
