import { describe, expect, it } from 'vitest';
import { Defect, nodeId, objectId } from '../../model/index.ts';
import { SLOT_VERSION_MAX } from '../../impl/limits.ts';
import type { LogRecord } from '../../impl/owner/records.ts';
import { applyRecord, Shard, type ShardObject } from '../../impl/owner/shard.ts';

const n0 = nodeId('n0');
const first = objectId(n0, 0);

/** Returns a shard holding object n0/0 with `children` slots derived from the root, slots 1 to `children`. */
const shardWithChildren = (children: number): { shard: Shard; object: ShardObject } => {
  const shard = new Shard(n0);
  applyRecord(shard, { type: 'create', request: 'c0:0', object: first, value: 'v' });
  for (let slot = 1; slot <= children; slot += 1) {
    applyRecord(shard, derive(slot, 0));
  }
  const object = shard.objects.get(first);
  if (object === undefined) {
    throw new Error('create record did not add n0/0');
  }
  return { shard, object };
};

const derive = (slot: number, version: number, parentSlot = 0): LogRecord => ({
  type: 'derive',
  request: `c0:${slot + 100}`,
  object: first,
  slot,
  version,
  parentSlot,
  parentVersion: 0,
  rights: ['read'],
});

const revoke = (slot: number, version: number): LogRecord => ({ type: 'revoke', request: `c0:${slot + 200}`, object: first, slot, version });

describe('owner shard', () => {
  it('create adds an object and advances the serial', () => {
    const shard = new Shard(n0);

    expect(shard.nextObjectId()).toBe('n0/0');
    applyRecord(shard, { type: 'create', request: 'c0:1', object: first, value: 'v' });
    applyRecord(shard, { type: 'create', request: 'c0:2', object: objectId(n0, 1), value: 'w' });

    expect(shard.nextSerial).toBe(2);
    expect(shard.nextObjectId()).toBe('n0/2');
    expect(shard.objects.get(first)).toEqual({ value: 'v', slots: [{ version: 0, depth: 0, parent: null }], free: [] });
    expect(shard.objects.get(objectId(n0, 1))?.value).toBe('w');
  });

  it('write replaces the value', () => {
    const { shard, object } = shardWithChildren(0);

    applyRecord(shard, { type: 'write', request: 'c0:3', object: first, value: 'new' });

    expect(object.value).toBe('new');
  });

  it('record for a missing object is a defect', () => {
    const shard = new Shard(n0);
    const write = (): void => applyRecord(shard, { type: 'write', request: 'c0:3', object: objectId(n0, 9), value: 'x' });

    expect(write).toThrow(Defect);
    expect(write).toThrow('log record names n0/9, which this shard does not hold');
  });

  it('derive records parent, depth and version', () => {
    const { shard, object } = shardWithChildren(1);

    applyRecord(shard, derive(2, 0, 1));

    expect(object.slots[1]).toEqual({ version: 0, depth: 1, parent: { slot: 0, version: 0 } });
    expect(object.slots[2]).toEqual({ version: 0, depth: 2, parent: { slot: 1, version: 0 } });
    expect(shard.nextSlot(object)).toEqual({ slot: 3, version: 0 });
  });

  it('revoke bumps the version and frees the slot', () => {
    const { shard, object } = shardWithChildren(2);

    applyRecord(shard, revoke(2, 0));

    expect(object.slots[2]?.version).toBe(1);
    expect(object.free).toEqual([2]);
    expect(shard.nextSlot(object)).toEqual({ slot: 2, version: 1 });
  });

  it('free list stays ascending', () => {
    const { object, shard } = shardWithChildren(5);

    for (const slot of [3, 5, 1, 4, 2]) {
      applyRecord(shard, revoke(slot, 0));
    }

    expect(object.free).toEqual([1, 2, 3, 4, 5]);
  });

  it('free list ascends in every insertion order', () => {
    const orders = [
      [1, 2, 3],
      [1, 3, 2],
      [2, 1, 3],
      [2, 3, 1],
      [3, 1, 2],
      [3, 2, 1],
    ];
    for (const order of orders) {
      const { object, shard } = shardWithChildren(3);
      for (const slot of order) {
        applyRecord(shard, revoke(slot, 0));
      }
      expect(object.free, `revoked in order ${order.join(',')}`).toEqual([1, 2, 3]);
    }
  });

  it('derive reuses the lowest free slot first', () => {
    const { object, shard } = shardWithChildren(4);
    applyRecord(shard, revoke(4, 0));
    applyRecord(shard, revoke(2, 0));
    applyRecord(shard, revoke(3, 0));

    expect(shard.nextSlot(object)).toEqual({ slot: 2, version: 1 });
    applyRecord(shard, derive(2, 1));
    expect(object.free).toEqual([3, 4]);
    expect(object.slots[2]).toEqual({ version: 1, depth: 1, parent: { slot: 0, version: 0 } });

    expect(shard.nextSlot(object)).toEqual({ slot: 3, version: 1 });
    applyRecord(shard, derive(3, 1));
    expect(object.free).toEqual([4]);
  });

  it('derive of a new slot keeps the free list', () => {
    // The owner always reuses free[0] first, so this record is built by hand. A derive that does
    // not take the head of the free list must leave the list in place.
    const { object, shard } = shardWithChildren(2);
    applyRecord(shard, revoke(1, 0));

    applyRecord(shard, derive(3, 0));

    expect(object.free).toEqual([1]);
  });

  it('revoke below the version limit frees the slot', () => {
    const { object, shard } = shardWithChildren(1);

    applyRecord(shard, revoke(1, SLOT_VERSION_MAX - 1));

    expect(object.slots[1]?.version).toBe(SLOT_VERSION_MAX);
    expect(object.free).toEqual([1]);
    expect(shard.nextSlot(object)).toEqual({ slot: 1, version: SLOT_VERSION_MAX });
  });

  it('revoke past the version limit retires the slot', () => {
    const { object, shard } = shardWithChildren(2);

    applyRecord(shard, revoke(1, SLOT_VERSION_MAX));

    expect(object.slots[1]?.version).toBe(SLOT_VERSION_MAX + 1);
    expect(object.free).toEqual([]);
    expect(shard.nextSlot(object)).toEqual({ slot: 3, version: 0 });
  });
});
