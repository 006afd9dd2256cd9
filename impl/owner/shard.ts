/**
 * An owner's in-memory shard: the objects it owns, their slot trees and values. It is mutable
 * and changes only through `applyRecord`, which both live requests and recovery call, so a
 * recovered shard equals the shard before the crash up to the last synced record.
 */
import { Defect, objectId, type NodeId, type ObjectId } from '../../model/index.ts';
import { SLOT_VERSION_MAX } from '../limits.ts';
import type { LogRecord } from './records.ts';

export interface SlotEntry {
  version: number;
  depth: number;
  /** Parent slot and the parent's version when this incarnation was allocated; `null` at the root. */
  parent: { readonly slot: number; readonly version: number } | null;
}

export interface ShardObject {
  value: string;
  readonly slots: SlotEntry[];
  /** Revoked slots awaiting reuse, ascending. */
  readonly free: number[];
}

export class Shard {
  readonly node: NodeId;
  nextSerial = 0;
  readonly objects = new Map<ObjectId, ShardObject>();

  constructor(node: NodeId) {
    this.node = node;
  }

  nextObjectId(): ObjectId {
    return objectId(this.node, this.nextSerial);
  }

  /** Returns the slot and version the next derivation on `object` gets: the lowest free slot at
   * its current version, or a new slot at version 0. */
  nextSlot(object: ShardObject): { readonly slot: number; readonly version: number } {
    const reused = object.free[0];
    if (reused !== undefined) {
      return { slot: reused, version: (object.slots[reused] as SlotEntry).version };
    }
    return { slot: object.slots.length, version: 0 };
  }
}

const insertSorted = (list: number[], item: number): void => {
  let index = list.length;
  while (index > 0 && (list[index - 1] as number) > item) {
    index -= 1;
  }
  list.splice(index, 0, item);
};

/** Applies one effect. Records come from this owner's own checks or its own log, so a record that
 * does not fit the shard is a defect. */
export const applyRecord = (shard: Shard, record: LogRecord): void => {
  switch (record.type) {
    case 'create': {
      shard.objects.set(record.object, { value: record.value, slots: [{ version: 0, depth: 0, parent: null }], free: [] });
      shard.nextSerial += 1;
      return;
    }
    case 'write': {
      objectOf(shard, record.object).value = record.value;
      return;
    }
    case 'derive': {
      const object = objectOf(shard, record.object);
      const parent = object.slots[record.parentSlot] as SlotEntry;
      if (object.free[0] === record.slot) {
        object.free.shift();
      }
      object.slots[record.slot] = {
        version: record.version,
        depth: parent.depth + 1,
        parent: { slot: record.parentSlot, version: record.parentVersion },
      };
      return;
    }
    case 'revoke': {
      const object = objectOf(shard, record.object);
      const slot = object.slots[record.slot] as SlotEntry;
      slot.version = record.version + 1;
      if (slot.version <= SLOT_VERSION_MAX) {
        insertSorted(object.free, record.slot);
      }
      return;
    }
  }
};

const objectOf = (shard: Shard, object: ObjectId): ShardObject => {
  const found = shard.objects.get(object);
  if (found === undefined) {
    throw new Defect(`log record names ${object}, which this shard does not hold`);
  }
  return found;
};
