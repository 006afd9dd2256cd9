/**
 * Owner shards built directly with `applyRecord`, the path both live requests and recovery take,
 * so a benchmark can set up a hundred thousand slots without a MAC or a message per slot.
 */
import { ALL_RIGHTS, invariant, nodeId, type ObjectId, type Rights } from '../../model/index.ts';
import { applyRecord, Shard, type ShardObject } from '../../impl/owner/shard.ts';
import { SLOT_DEPTH_MAX } from '../../impl/limits.ts';
import { ownerKey, type OwnerKey } from '../../impl/token/index.ts';

/** Rights of every capability the fixtures derive below the root. */
export const DERIVED_RIGHTS: Rights = ALL_RIGHTS;

/** A fixed owner key: benchmarks need a valid key, not a secret one. */
export const benchKey = (): OwnerKey => ownerKey(new Uint8Array(32).fill(0x5a));

export const newShard = (): Shard => new Shard(nodeId('bench'));

export const objectOf = (shard: Shard, object: ObjectId): ShardObject => {
  const found = shard.objects.get(object);
  invariant(found !== undefined, `benchmark shard has no object ${object}`);
  return found;
};

/** Creates an object and returns its id. Its root slot is slot 0 at version 0. */
export const createObject = (shard: Shard, value = 'bench value'): ObjectId => {
  const object = shard.nextObjectId();
  applyRecord(shard, { type: 'create', request: `create:${object}`, object, value });
  return object;
};

/** Derives one capability below `parentSlot` at the parent's current version and returns the new slot. */
export const deriveSlot = (shard: Shard, object: ObjectId, parentSlot: number): number => {
  const entry = objectOf(shard, object);
  const parent = entry.slots[parentSlot];
  invariant(parent !== undefined, `object ${object} has no slot ${parentSlot}`);
  invariant(parent.depth < SLOT_DEPTH_MAX, `slot ${parentSlot} is at depth ${parent.depth}, the maximum`);

  const next = shard.nextSlot(entry);
  applyRecord(shard, {
    type: 'derive',
    request: `derive:${object}:${next.slot}`,
    object,
    slot: next.slot,
    version: next.version,
    parentSlot,
    parentVersion: parent.version,
    rights: DERIVED_RIGHTS,
  });
  return next.slot;
};

export interface Subtree {
  /** Depth of the deepest slot derived, the root slot counting as depth 0. */
  readonly deepestDepth: number;
  /** Slot of the last capability derived, one of the deepest. */
  readonly lastSlot: number;
}

/**
 * Derives `count` capabilities below `rootSlot`, breadth first: up to `fanout` children under the
 * root, then up to `fanout` under each child, and so on.
 */
export const deriveSubtree = (shard: Shard, object: ObjectId, rootSlot: number, count: number, fanout: number): Subtree => {
  invariant(count >= 1, `subtree size ${count} must be at least 1`);
  invariant(fanout >= 1, `subtree fan-out ${fanout} must be at least 1`);
  const entry = objectOf(shard, object);
  const parents = [rootSlot];
  let derived = 0;
  let lastSlot = rootSlot;

  for (let next = 0; derived < count; next += 1) {
    const parent = parents[next];
    invariant(parent !== undefined, `ran out of parents after ${derived} of ${count} derivations`);
    for (let child = 0; child < fanout && derived < count; child += 1) {
      lastSlot = deriveSlot(shard, object, parent);
      parents.push(lastSlot);
      derived += 1;
    }
  }
  return { deepestDepth: entry.slots[lastSlot]?.depth ?? 0, lastSlot };
};
