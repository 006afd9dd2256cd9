/**
 * The checks every operation on an object goes through at its owner, in a fixed order:
 * the owner exists and is up, the capability was minted, and every slot on its chain is still at
 * the version the chain recorded. Rights are checked by each operation after these.
 */
import * as E from 'fp-ts/lib/Either.js';
import { Defect, invariant } from './defect.ts';
import { SLOT_DEPTH_MAX } from './limits.ts';
import { incarnationKey, type Capability, type Revoker } from './capability.ts';
import { ownerOf, type NodeId, type ObjectId } from './ids.ts';
import { forged, ownerUnavailable, revoked, unknownNode, type Refusal } from './refusal.ts';
import { sameRights } from './rights.ts';
import type { NodeState, ObjectState, State } from './state.ts';

/** Returns the owner's entry when the owner exists and is up. */
export const liveOwner = (state: State, object: ObjectId): E.Either<Refusal, NodeState> => {
  const owner = ownerOf(object);
  return liveNode(state, owner);
};

export const liveNode = (state: State, node: NodeId): E.Either<Refusal, NodeState> => {
  const entry = state.nodes.get(node);
  if (entry === undefined) {
    return E.left(unknownNode(node));
  }
  if (entry.status !== 'up') {
    return E.left(ownerUnavailable(node));
  }
  return E.right(entry);
};

/** Returns the object's entry when the revoker names an incarnation the owner minted. */
export const mintedRevoker = (owner: NodeState, revoker: Revoker): E.Either<Refusal, ObjectState> => {
  const entry = owner.objects.get(revoker.object);
  if (entry === undefined || !entry.minted.has(incarnationKey(revoker.slot, revoker.version))) {
    return E.left(forged(revoker.object));
  }
  return E.right(entry);
};

/** Returns the object's entry when the capability's minted part was issued by the owner. */
export const mintedCapability = (owner: NodeState, cap: Capability): E.Either<Refusal, ObjectState> => {
  const entry = owner.objects.get(cap.object);
  const mintedRights = entry?.minted.get(incarnationKey(cap.slot, cap.version));
  if (entry === undefined || mintedRights === undefined || !sameRights(mintedRights, cap.rights)) {
    return E.left(forged(cap.object));
  }
  return E.right(entry);
};

/**
 * Walks the slot chain from the capability's slot up to the root. The capability is revoked at the
 * first slot whose version differs from the version recorded below it. The walk compares the
 * version before following a parent link, because a reused slot's link belongs to its new
 * incarnation. A chain is at most `SLOT_DEPTH_MAX` links long, so a longer walk is a defect.
 */
export const checkChain = (entry: ObjectState, cap: Capability): E.Either<Refusal, ObjectState> => {
  let slotId = cap.slot;
  let expected = cap.version;
  for (let depth = 0; depth <= SLOT_DEPTH_MAX; depth += 1) {
    const slot = entry.slots[slotId];
    invariant(slot !== undefined, `slot ${slotId} of ${cap.object} is on a minted chain but not allocated`);
    if (slot.version !== expected) {
      return E.left(revoked(cap, slotId));
    }
    if (slot.parent === null) {
      return E.right(entry);
    }
    expected = slot.parent.version;
    slotId = slot.parent.slot;
  }
  throw new Defect(`slot chain of ${cap.object} from slot ${cap.slot} is longer than ${SLOT_DEPTH_MAX} links`);
};

/** Runs the whole guard: live owner, minted, chain valid. Returns the owner's and the object's entries. */
export const guard = (
  state: State,
  cap: Capability,
): E.Either<Refusal, { readonly owner: NodeState; readonly entry: ObjectState }> => {
  const owner = liveOwner(state, cap.object);
  if (E.isLeft(owner)) {
    return owner;
  }
  const minted = mintedCapability(owner.right, cap);
  if (E.isLeft(minted)) {
    return minted;
  }
  const chain = checkChain(minted.right, cap);
  if (E.isLeft(chain)) {
    return chain;
  }
  return E.right({ owner: owner.right, entry: chain.right });
};
