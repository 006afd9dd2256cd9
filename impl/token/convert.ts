/** Conversions from tokens to the model's values. Minting in `mint.ts` goes the other way. */
import type { Capability, Revoker } from '../../model/index.ts';
import { encodeTokenBytes } from './write.ts';
import type { CapabilityToken, RevokerToken, Token } from './token.ts';

/** Returns the model's capability for a token: the same fields without `kind` and `mac`. */
export const tokenToCapability = (token: CapabilityToken): Capability => ({
  object: token.object,
  slot: token.slot,
  version: token.version,
  rights: token.rights,
  caveats: token.caveats,
});

/** Returns the model's revoker for a token: the same fields without `kind` and `mac`. */
export const tokenToRevoker = (token: RevokerToken): Revoker => ({
  object: token.object,
  slot: token.slot,
  version: token.version,
});

/** Returns whether two tokens are the same, MAC included. The encoding is canonical, so equal
 * bytes mean equal tokens. Not constant-time: use `verifyToken` to authenticate. */
export const sameToken = (a: Token, b: Token): boolean =>
  Buffer.from(encodeTokenBytes(a)).equals(encodeTokenBytes(b));
