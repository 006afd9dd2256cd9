/**
 * The owner's guard: the token's MAC under this owner's key, then the slot chain, in the model's
 * order. A token whose MAC verifies was minted by this owner, which is how the owner tells minted
 * from forged without a table of what it minted.
 */
import * as E from 'fp-ts/lib/Either.js';
import { forged, revoked, SLOT_DEPTH_MAX, type Refusal } from '../../model/index.ts';
import { verifyToken, type CapabilityToken, type OwnerKey, type RevokerToken } from '../token/index.ts';
import type { OwnerBehaviour } from './behaviour.ts';
import type { Shard, ShardObject } from './shard.ts';

/** Returns the object when the owner minted the token and still holds the object and slot. */
export const checkMinted = (
  shard: Shard,
  key: OwnerKey,
  token: CapabilityToken | RevokerToken,
  behaviour: Pick<OwnerBehaviour, 'verify'> = { verify: verifyToken },
): E.Either<Refusal, ShardObject> => {
  const object = shard.objects.get(token.object);
  if (!behaviour.verify(key, token) || object === undefined || object.slots[token.slot] === undefined) {
    return E.left(forged(token.object));
  }
  return E.right(object);
};

/** Walks from the token's slot to the root; the first slot whose version moved on revokes it. */
export const checkChain = (object: ShardObject, token: CapabilityToken): E.Either<Refusal, ShardObject> => {
  let slotId = token.slot;
  let expected = token.version;
  for (let depth = 0; depth <= SLOT_DEPTH_MAX; depth += 1) {
    const slot = object.slots[slotId];
    if (slot === undefined) {
      return E.left(forged(token.object));
    }
    if (slot.version !== expected) {
      return E.left(revoked(token, slotId));
    }
    if (slot.parent === null) {
      return E.right(object);
    }
    expected = slot.parent.version;
    slotId = slot.parent.slot;
  }
  return E.left(revoked(token, slotId));
};

export const guardToken = (
  shard: Shard,
  key: OwnerKey,
  token: CapabilityToken,
  behaviour: Pick<OwnerBehaviour, 'verify' | 'checkChain'> = { verify: verifyToken, checkChain },
): E.Either<Refusal, ShardObject> => {
  const minted = checkMinted(shard, key, token, behaviour);
  return E.isLeft(minted) ? minted : behaviour.checkChain(minted.right, token);
};
