/**
 * Cost of one revoke at the owner, `executeRevoke` then `applyRecord`, for a slot with 1
 * capability derived below it and for a slot with 100,000. A revoke bumps one slot version and
 * puts the slot on the free list, and never visits the descendants, so both should cost the same.
 *
 * Method. A revoke works once per slot incarnation. A second revoke of the same incarnation takes
 * a cheaper path that writes no record, so every timed revoke hits a fresh slot that was never
 * revoked and whose whole subtree is still valid. No state is restored or edited by hand.
 * Each round builds a new shard with one object per shape. Each object holds
 * `revokeSlotsPerRound` blocks, and each block starts with a slot derived from the root, the one
 * to revoke:
 *
 * - large: the slot and `revokeDescendants` capabilities below it, in a tree of fan-out
 *   SUBTREE_FANOUT;
 * - padded: the slot, 1 child, and a separate root child with `revokeDescendants - 2`
 *   capabilities below it that are not below the revoked slot, so the block has the same
 *   number of slots as a large block;
 * - small object: the slot and 1 child, nothing else, as a reference.
 *
 * The padding makes the first two objects the same size, so they differ only in what lies below
 * the revoked slot. Without it the large shape measured about 1.4 times slower on the machine in
 * docs/benchmarks.md. Reading the revoked slot's entry just before the timed call removed that
 * difference, which points to cache misses in an object of a million slots. That cost belongs to
 * the object's size, and the small-object row shows it.
 *
 * Each round then revokes sibling i of every shape in turn, rotating which shape goes first, and
 * times each revoke alone. The object built last starts out warmer in the cache, so the two
 * objects of equal size take turns being built last, and `revokeRounds` should be even. Slots are revoked in ascending order, so
 * each goes at the end of the free list in every shape. One object may have 2^20 slots, so 10
 * blocks of 100,001 fit in one object, and more samples need more rounds.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invariant, type ObjectId } from '../../model/index.ts';
import { executeRevoke } from '../../impl/owner/execute.ts';
import { guardToken } from '../../impl/owner/guard.ts';
import { applyRecord, type Shard } from '../../impl/owner/shard.ts';
import { SLOTS_PER_OBJECT_MAX } from '../../impl/limits.ts';
import { mintCapability, mintRevoker, type OwnerKey, type RevokerToken } from '../../impl/token/index.ts';
import { formatNumber, type SectionResult } from './report.ts';
import { countModelRevokeChanges } from './revoke-model.ts';
import { benchKey, createObject, DERIVED_RIGHTS, deriveSlot, deriveSubtree, newShard, objectOf } from './shard-fixture.ts';
import { SUBTREE_FANOUT, type BenchSettings } from './settings.ts';
import { median, timeOnce } from './timing.ts';

/** Revokes run before timing starts, so the timed ones run optimized code. */
const WARMUP_REVOKES = 2_000;

interface ShapeSpec {
  readonly label: string;
  /** Capabilities derived below each revoked slot. */
  readonly descendants: number;
  /** Slots added after each revoked slot's subtree, none of them below it. */
  readonly padding: number;
}

interface ShapeObject {
  readonly object: ObjectId;
  readonly revokers: ReadonlyArray<RevokerToken>;
  /** Deepest slot below each revoked sibling, in sibling order: revoking the sibling must revoke it. */
  readonly deepestSlots: ReadonlyArray<number>;
  readonly deepestDepth: number;
}

interface ShapeSamples {
  readonly spec: ShapeSpec;
  readonly times: number[];
  deepestDepth: number;
  slots: number;
}

const buildShapeObject = (shard: Shard, key: OwnerKey, siblings: number, spec: ShapeSpec): ShapeObject => {
  const object = createObject(shard);
  const slotsNeeded = 1 + siblings * (1 + spec.descendants + spec.padding);
  invariant(
    slotsNeeded <= SLOTS_PER_OBJECT_MAX,
    `${siblings} blocks of ${spec.label} need ${slotsNeeded} slots, over the ${SLOTS_PER_OBJECT_MAX} of one object: lower revokeSlotsPerRound`,
  );

  const revokers: RevokerToken[] = [];
  const deepestSlots: number[] = [];
  let deepestDepth = 0;
  for (let sibling = 0; sibling < siblings; sibling += 1) {
    const slot = deriveSlot(shard, object, 0);
    const subtree = deriveSubtree(shard, object, slot, spec.descendants, SUBTREE_FANOUT);
    revokers.push(mintRevoker(key, { object, slot, version: 0 }));
    deepestSlots.push(subtree.lastSlot);
    deepestDepth = subtree.deepestDepth;

    if (spec.padding > 0) {
      const unrelated = deriveSlot(shard, object, 0);
      if (spec.padding > 1) {
        deriveSubtree(shard, object, unrelated, spec.padding - 1, SUBTREE_FANOUT);
      }
    }
  }
  return { object, revokers, deepestSlots, deepestDepth };
};

const revokeOnce = (shard: Shard, key: OwnerKey, revoker: RevokerToken): void => {
  const execution = executeRevoke(shard, key, 'bench:revoke', revoker);
  if (execution.record === null) {
    throw new Error(`revoke of slot ${revoker.slot} wrote no record: the slot was already revoked`);
  }
  applyRecord(shard, execution.record);
};

const warmUp = (key: OwnerKey): void => {
  const shard = newShard();
  const shape = buildShapeObject(shard, key, WARMUP_REVOKES, { label: 'warm-up', descendants: 1, padding: 0 });
  shape.revokers.forEach((revoker) => revokeOnce(shard, key, revoker));
};

/** Returns how many of the deepest capabilities below the shape's revoked slots pass the guard. */
const validDeepest = (shard: Shard, key: OwnerKey, shape: ShapeObject): number =>
  shape.deepestSlots.filter((slot) => {
    const version = objectOf(shard, shape.object).slots[slot]?.version ?? 0;
    const cap = mintCapability(key, { object: shape.object, slot, version, rights: DERIVED_RIGHTS, caveats: [] });
    return E.isRight(guardToken(shard, key, cap));
  }).length;

/** Shapes in the order a round builds them: the small object first, then the two objects of
 * equal size, whose order alternates between rounds. */
const buildOrderOf = (round: number, padded: ShapeSamples, large: ShapeSamples, small: ShapeSamples): ReadonlyArray<ShapeSamples> =>
  round % 2 === 0 ? [small, padded, large] : [small, large, padded];

const runRound = (key: OwnerKey, settings: BenchSettings, buildOrder: ReadonlyArray<ShapeSamples>, round: number): void => {
  const shard = newShard();
  const built = buildOrder.map((samples) => {
    const shape = buildShapeObject(shard, key, settings.revokeSlotsPerRound, samples.spec);
    samples.deepestDepth = shape.deepestDepth;
    samples.slots = objectOf(shard, shape.object).slots.length;
    const valid = validDeepest(shard, key, shape);
    invariant(valid === shape.deepestSlots.length, `only ${valid} of the deepest capabilities of ${shape.object} are valid before any revoke`);
    return { shape, samples };
  });

  for (let sibling = 0; sibling < settings.revokeSlotsPerRound; sibling += 1) {
    const first = (round + sibling) % built.length;
    const ordered = [...built.slice(first), ...built.slice(0, first)];
    for (const { shape, samples } of ordered) {
      const revoker = shape.revokers[sibling] as RevokerToken;
      samples.times.push(timeOnce(() => revokeOnce(shard, key, revoker)));
    }
  }

  for (const { shape } of built) {
    const valid = validDeepest(shard, key, shape);
    invariant(valid === 0, `${valid} deepest capabilities of ${shape.object} survived the revoke of their ancestor`);
  }
};

export const runRevokeBench = (settings: BenchSettings): SectionResult => {
  const key = benchKey();
  warmUp(key);

  const many = settings.revokeDescendants;
  const shapes: ShapeSamples[] = [
    { spec: { label: '1 below, padded object', descendants: 1, padding: many - 1 }, times: [], deepestDepth: 0, slots: 0 },
    { spec: { label: `${formatNumber(many)} below`, descendants: many, padding: 0 }, times: [], deepestDepth: 0, slots: 0 },
    { spec: { label: '1 below, small object', descendants: 1, padding: 0 }, times: [], deepestDepth: 0, slots: 0 },
  ];
  const [padded, large, small] = shapes as [ShapeSamples, ShapeSamples, ShapeSamples];
  invariant(padded.spec.descendants + padded.spec.padding === large.spec.descendants + large.spec.padding, 'padded and large blocks differ in size');

  for (let round = 0; round < settings.revokeRounds; round += 1) {
    runRound(key, settings, buildOrderOf(round, padded, large, small), round);
  }

  const counts = countModelRevokeChanges([1, many], SUBTREE_FANOUT);

  return {
    id: 'revoke',
    title: `revoke cost: executeRevoke + applyRecord, 1 vs ${formatNumber(many)} capabilities derived below the slot`,
    tables: [
      {
        title: 'time per revoke (each sample is one revoke of a fresh slot)',
        rows: shapes.map((samples) => ({
          shape: samples.spec.label,
          'derived below': samples.spec.descendants,
          'levels below': samples.deepestDepth - 1,
          'slots in object': samples.slots,
          revokes: samples.times.length,
          'median ns': median(samples.times),
          'mean ns': samples.times.reduce((sum, time) => sum + time, 0) / samples.times.length,
          'min ns': Math.min(...samples.times),
        })),
      },
      {
        title: 'model revoke (model/ops/revoke.ts): state entries changed, counted by changedEntries',
        rows: counts.map((count) => ({
          'derived below': count.descendants,
          'slots in object': count.slots,
          'changed entries': count.changedEntries,
        })),
      },
    ],
    ratios: [
      {
        name: `median revoke time, ${formatNumber(many)} below / 1 below, objects of equal size`,
        value: median(large.times) / median(padded.times),
        expected: 'about 1',
      },
      {
        name: 'median revoke time, 1 below: padded object / small object',
        value: median(padded.times) / median(small.times),
        expected: 'at least 1: cache misses in a larger object, not work per descendant',
      },
    ],
    notes: [
      'each timed revoke includes the MAC check of the revoker token: one HMAC-SHA256 and the token encoding',
      'the mean includes any garbage-collection pause that landed inside a revoke; the median does not',
    ],
  };
};
