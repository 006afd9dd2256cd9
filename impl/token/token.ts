/**
 * Tokens: capabilities and revokers as strings a holder can pass anywhere. A token carries the
 * model's fields unchanged plus a MAC that binds them to the owner's key, so converting a token
 * to the model's value only drops `kind` and `mac`.
 */
import type { Capability, Revoker } from '../../model/index.ts';

export interface CapabilityToken extends Capability {
  readonly kind: 'capability';
  /** HMAC-SHA256 chain value over the minted part and then each caveat, MAC_BYTES long. It is a
   * bearer secret: whoever holds it can use or attenuate the capability, so it never goes into a
   * log or an error message. Callers must not mutate it. */
  readonly mac: Uint8Array;
}

export interface RevokerToken extends Revoker {
  readonly kind: 'revoker';
  /** HMAC-SHA256 over the minted part, MAC_BYTES long. It is a bearer secret like a capability's MAC. */
  readonly mac: Uint8Array;
}

export type Token = CapabilityToken | RevokerToken;

export type TokenKind = Token['kind'];

/** A token before the owner signs it: every field but the MAC. */
export type UnsignedToken = Omit<CapabilityToken, 'mac'> | Omit<RevokerToken, 'mac'>;
