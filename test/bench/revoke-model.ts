/**
 * The model's own revoke on the two shapes of the revoke benchmark, counted with the
 * constant-cost invariant's `changedEntries`: the count must not grow with the descendants.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import {
  ALL_RIGHTS,
  create,
  derive,
  incarnationKey,
  initialState,
  invariant,
  revoke,
  type ObjectState,
  type Rights,
  type State,
} from '../../model/index.ts';
import type { Shard } from '../../impl/owner/shard.ts';
import { changedEntries } from '../../properties/invariants/index.ts';
import { createObject, DERIVED_RIGHTS, deriveSlot, deriveSubtree, newShard } from './shard-fixture.ts';

/**
 * Returns the model state of a shard built by the fixtures: same slots, and a minted entry for
 * every slot's current incarnation. Deriving 100,000 times through the model itself would copy
 * the slot array and the minted map on every step, quadratic work, so the large shape is built
 * on the implementation's shard and converted. `checkConversion` shows that the conversion
 * matches the model on the small shape.
 */
export const modelStateOf = (shard: Shard): State => {
  const objects = new Map(
    [...shard.objects].map(([object, entry]): [typeof object, ObjectState] => [
      object,
      {
        value: entry.value,
        slots: entry.slots.map((slot) => ({ version: slot.version, depth: slot.depth, parent: slot.parent })),
        free: [...entry.free],
        minted: new Map(
          entry.slots.map((slot, index): [string, Rights] => [
            incarnationKey(index, slot.version),
            index === 0 ? ALL_RIGHTS : DERIVED_RIGHTS,
          ]),
        ),
      },
    ]),
  );
  return { nodes: new Map([[shard.node, { status: 'up', nextSerial: shard.nextSerial, objects }]]) };
};

interface RevokeShape {
  readonly shard: Shard;
  readonly object: ReturnType<typeof createObject>;
  readonly revokedSlot: number;
}

/** Builds one object whose slot 1 has `descendants` capabilities derived below it. */
const buildShape = (descendants: number, fanout: number): RevokeShape => {
  const shard = newShard();
  const object = createObject(shard);
  const revokedSlot = deriveSlot(shard, object, 0);
  deriveSubtree(shard, object, revokedSlot, descendants, fanout);
  return { shard, object, revokedSlot };
};

/** Throws unless the conversion of the 1-child shape equals the state the model's own create
 * and derive reach. */
const checkConversion = (shape: RevokeShape): void => {
  const node = shape.shard.node;
  const created = create(initialState([node]), { node, value: shape.shard.objects.get(shape.object)?.value ?? '' });
  invariant(E.isRight(created), 'model create failed on the benchmark node');
  const [afterCreate, root] = created.right;
  const slot = derive(afterCreate, { cap: root.cap, rights: DERIVED_RIGHTS });
  invariant(E.isRight(slot), 'model derive of the revoked slot failed');
  const child = derive(slot.right[0], { cap: slot.right[1].cap, rights: DERIVED_RIGHTS });
  invariant(E.isRight(child), 'model derive of the child failed');
  invariant(
    isDeepStrictEqual(child.right[0], modelStateOf(shape.shard)),
    'the converted shard state differs from the model state after the same create and derives',
  );
};

/** Returns the number of state entries the model's revoke of the shape's slot changes. */
const countChanges = (shape: RevokeShape): number => {
  const before = modelStateOf(shape.shard);
  const revoked = revoke(before, { revoker: { object: shape.object, slot: shape.revokedSlot, version: 0 } });
  invariant(E.isRight(revoked), `model revoke of slot ${shape.revokedSlot} was refused`);
  return changedEntries(before, revoked.right[0]);
};

export interface ModelRevokeCount {
  readonly descendants: number;
  readonly slots: number;
  readonly changedEntries: number;
}

export const countModelRevokeChanges = (descendantCounts: ReadonlyArray<number>, fanout: number): ReadonlyArray<ModelRevokeCount> =>
  descendantCounts.map((descendants) => {
    const shape = buildShape(descendants, fanout);
    if (descendants === 1) {
      checkConversion(shape);
    }
    return {
      descendants,
      slots: shape.shard.objects.get(shape.object)?.slots.length ?? 0,
      changedEntries: countChanges(shape),
    };
  });
