import * as E from 'fp-ts/lib/Either.js';
import type { Revoker } from '../capability.ts';
import { liveOwner, mintedRevoker } from '../guard.ts';
import { SLOT_VERSION_MAX } from '../limits.ts';
import type { Refusal } from '../refusal.ts';
import { withObject, type Slot, type State } from '../state.ts';

export interface RevokeInput {
  readonly revoker: Revoker;
}

export type RevokeOutput = Readonly<Record<string, never>>;

/**
 * Revokes one incarnation of a slot by bumping the slot's version at the owner. Every capability
 * whose chain passes through that incarnation, however deep and however attenuated, fails the
 * guard from then on, and no holder is contacted. The cost is one slot entry and one free-list
 * entry whatever the number of descendants. The revoked slot goes on the free list for reuse at
 * its new version, unless that version is past `SLOT_VERSION_MAX`. Revoking an incarnation that
 * is already revoked changes nothing and succeeds, so the operation is idempotent.
 */
export const revoke = (state: State, input: RevokeInput): E.Either<Refusal, readonly [State, RevokeOutput]> => {
  const owner = liveOwner(state, input.revoker.object);
  if (E.isLeft(owner)) {
    return owner;
  }
  const minted = mintedRevoker(owner.right, input.revoker);
  if (E.isLeft(minted)) {
    return minted;
  }

  const entry = minted.right;
  const { slot: slotId, version } = input.revoker;
  const slot = entry.slots[slotId] as Slot;
  if (slot.version !== version) {
    return E.right([state, {}] as const);
  }

  const slots = [...entry.slots];
  slots[slotId] = { ...slot, version: version + 1 };
  const retired = version + 1 > SLOT_VERSION_MAX;
  const free = retired ? entry.free : [...entry.free, slotId].sort((a, b) => a - b);
  return E.right([withObject(state, input.revoker.object, { ...entry, slots, free }), {}] as const);
};
