/**
 * Reading and forging the reference implementation's tokens, for the adapters of that
 * implementation (on the simulator and on a real cluster). Reading needs no key: it decodes the
 * token's fields without checking its MAC.
 */
import * as E from 'fp-ts/lib/Either.js';
import { CapabilityTokenCodec, encodeToken, RevokerTokenCodec, tokenToCapability, tokenToRevoker } from '../../impl/token/index.ts';
import { nodeId, objectId, ownerOf, rightsOf, ALL_RIGHTS, type Capability, type Revoker } from '../../model/index.ts';
import type { TokenText } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';

/** A node id that no cluster has, for tokens that name an unknown owner. */
const UNKNOWN_NODE = nodeId('unknown');

export const inspectReferenceCapability = (cap: TokenText): Capability | undefined => {
  const decoded = CapabilityTokenCodec.decode(cap);
  return E.isLeft(decoded) ? undefined : tokenToCapability(decoded.right);
};

export const inspectReferenceRevoker = (revoker: TokenText): Revoker | undefined => {
  const decoded = RevokerTokenCodec.decode(revoker);
  return E.isLeft(decoded) ? undefined : tokenToRevoker(decoded.right);
};

/** Changes one field of a capability token and keeps its MAC, so that its owner must refuse it. */
export const forgeReferenceCapability = (cap: TokenText, mutation: ForgeMutation): TokenText => {
  const decoded = CapabilityTokenCodec.decode(cap);
  if (E.isLeft(decoded)) {
    return cap;
  }
  const token = decoded.right;
  switch (mutation) {
    case 'amplify-rights':
      return encodeToken({ ...token, rights: rightsOf(...ALL_RIGHTS) });
    case 'bump-version':
      return encodeToken({ ...token, version: token.version + 1 });
    case 'other-slot':
      return encodeToken({ ...token, slot: token.slot + 1 });
    case 'unknown-object':
      return encodeToken({ ...token, object: objectId(ownerOf(token.object), 1_000_000) });
    case 'unknown-node':
      return encodeToken({ ...token, object: objectId(UNKNOWN_NODE, 0) });
  }
};

/** Bumps the version of a revoker token and keeps its MAC. */
export const forgeReferenceRevoker = (revoker: TokenText): TokenText => {
  const decoded = RevokerTokenCodec.decode(revoker);
  return E.isLeft(decoded) ? revoker : encodeToken({ ...decoded.right, version: decoded.right.version + 1 });
};
