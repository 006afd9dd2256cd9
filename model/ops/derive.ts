import * as E from 'fp-ts/lib/Either.js';
import { effectiveRights, incarnationKey, type Capability, type Revoker, type SlotId } from '../capability.ts';
import { guard } from '../guard.ts';
import { SLOT_DEPTH_MAX, SLOTS_PER_OBJECT_MAX } from '../limits.ts';
import { depthExceeded, missingRight, rightsExceeded, slotsExhausted, type Refusal } from '../refusal.ts';
import { hasRight, isSubset, rightsOf, type Rights } from '../rights.ts';
import { withObject, type ObjectState, type Slot, type State } from '../state.ts';

export interface DeriveInput {
  readonly cap: Capability;
  readonly rights: Rights;
}

export interface DeriveOutput {
  /** Capability on the new slot, minted with the requested rights and no caveats. */
  readonly cap: Capability;
  /** Revoker for the new slot alone. */
  readonly revoker: Revoker;
}

/**
 * Derives a separately revocable child: a new slot under the capability's slot, recording the
 * parent's current version, and a capability and revoker minted on it. Needs the `grant` right,
 * a valid capability and a live owner. The new slot is the lowest revoked slot awaiting reuse, at
 * its bumped version, or else a fresh slot at version 0.
 */
export const derive = (state: State, input: DeriveInput): E.Either<Refusal, readonly [State, DeriveOutput]> => {
  const checked = guard(state, input.cap);
  if (E.isLeft(checked)) {
    return checked;
  }
  const entry = checked.right.entry;
  const held = effectiveRights(input.cap);
  if (!hasRight(held, 'grant')) {
    return E.left(missingRight('grant', held));
  }
  const requested = rightsOf(...input.rights);
  if (!isSubset(requested, held)) {
    return E.left(rightsExceeded(requested, held));
  }
  const parent = entry.slots[input.cap.slot] as Slot;
  const depth = parent.depth + 1;
  if (depth > SLOT_DEPTH_MAX) {
    return E.left(depthExceeded(depth, SLOT_DEPTH_MAX));
  }
  const allocation = allocateSlot(entry);
  if (allocation === undefined) {
    return E.left(slotsExhausted(input.cap.object, SLOTS_PER_OBJECT_MAX));
  }

  const { slot, version, free } = allocation;
  const slots = [...entry.slots];
  slots[slot] = { version, depth, parent: { slot: input.cap.slot, version: input.cap.version } };
  const minted = new Map(entry.minted);
  minted.set(incarnationKey(slot, version), requested);
  const next = withObject(state, input.cap.object, { ...entry, slots, free, minted });

  const cap: Capability = { object: input.cap.object, slot, version, rights: requested, caveats: [] };
  const revoker: Revoker = { object: input.cap.object, slot, version };
  return E.right([next, { cap, revoker }] as const);
};

interface Allocation {
  readonly slot: SlotId;
  readonly version: number;
  readonly free: ReadonlyArray<SlotId>;
}

const allocateSlot = (entry: ObjectState): Allocation | undefined => {
  const [reused, ...rest] = entry.free;
  if (reused !== undefined) {
    return { slot: reused, version: (entry.slots[reused] as Slot).version, free: rest };
  }
  if (entry.slots.length >= SLOTS_PER_OBJECT_MAX) {
    return undefined;
  }
  return { slot: entry.slots.length, version: 0, free: entry.free };
};
