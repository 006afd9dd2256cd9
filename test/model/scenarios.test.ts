/**
 * Example-based tests of the documented scenarios of the model, one condition per test. The
 * expected refusals carry every field, so a test also fails when the refusal names the wrong slot,
 * right or bound.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  attenuate,
  CAVEATS_MAX,
  crash,
  Defect,
  create,
  derive,
  effectiveRights,
  findObject,
  incarnationKey,
  initialState,
  invoke,
  nodeId,
  referenceModel,
  restart,
  revoke,
  SLOT_DEPTH_MAX,
  SLOT_VERSION_MAX,
  SLOTS_PER_OBJECT_MAX,
  step,
  VALUE_LENGTH_MAX,
  withObject,
  type Capability,
  type Input,
  type ObjectId,
  type ObjectState,
  type Revoker,
  type Rights,
  type State,
} from '../../model/index.ts';
import { succeeded } from './support.ts';

const storage = nodeId('storage');
const gpu = nodeId('gpu');
const ghost = nodeId('ghost');
const bucket = 'storage/0' as ObjectId;

const READ = { kind: 'read' } as const;
const tooLarge = E.left({ _tag: 'ValueTooLarge', length: VALUE_LENGTH_MAX + 1, max: VALUE_LENGTH_MAX });
const write = (value: string) => ({ kind: 'write', value }) as const;

/** Returns a cluster of two nodes, storage and gpu, where storage owns one object `storage/0` with value "v0". */
const withBucket = (): { readonly state: State; readonly root: Capability; readonly rootRevoker: Revoker } => {
  const [state, out] = succeeded(create(initialState([storage, gpu]), { node: storage, value: 'v0' }));
  return { state, root: out.cap, rootRevoker: out.revoker };
};

const readValue = (state: State, cap: Capability) => invoke(state, { cap, action: READ });

/** Derives a child of `cap` with `rights`, returning the next state, the capability and its revoker. */
const child = (state: State, cap: Capability, rights: Rights) => {
  const [next, out] = succeeded(derive(state, { cap, rights }));
  return { state: next, cap: out.cap, revoker: out.revoker };
};

const narrowed = (state: State, cap: Capability, rights: Rights): Capability =>
  succeeded(attenuate(state, { cap, rights }))[1].cap;

const crashed = (state: State, ...nodes: ReadonlyArray<typeof storage>): State =>
  nodes.reduce((current, node) => succeeded(crash(current, { node }))[0], state);

describe('create and invoke', () => {
  it('create mints the root capability', () => {
    const { root } = withBucket();
    expect(root).toStrictEqual({
      object: bucket,
      slot: 0,
      version: 0,
      rights: ['grant', 'read', 'write'],
      caveats: [],
    });
  });

  it('create returns the root revoker', () => {
    const { rootRevoker } = withBucket();
    expect(rootRevoker).toStrictEqual({ object: bucket, slot: 0, version: 0 });
  });

  it('create gives successive serials', () => {
    const { state } = withBucket();
    const [, second] = succeeded(create(state, { node: storage, value: 'v1' }));
    expect(second.object).toBe('storage/1');
  });

  it('create on another node names that node', () => {
    const { state } = withBucket();
    const [, other] = succeeded(create(state, { node: gpu, value: 'q' }));
    expect(other.object).toBe('gpu/0');
  });

  it('read returns the created value', () => {
    const { state, root } = withBucket();
    expect(readValue(state, root)).toStrictEqual(E.right([state, { kind: 'read', value: 'v0' }]));
  });

  it('write then read returns the new value', () => {
    const { state, root } = withBucket();
    const [written] = succeeded(invoke(state, { cap: root, action: write('v1') }));
    expect(succeeded(readValue(written, root))[1]).toStrictEqual({ kind: 'read', value: 'v1' });
  });

  it('create accepts a value at VALUE_LENGTH_MAX', () => {
    const result = create(initialState([storage]), { node: storage, value: 'x'.repeat(VALUE_LENGTH_MAX) });
    expect(E.isRight(result)).toBe(true);
  });

  it('create refuses a value over VALUE_LENGTH_MAX', () => {
    const result = create(initialState([storage]), { node: storage, value: 'x'.repeat(VALUE_LENGTH_MAX + 1) });
    expect(result).toStrictEqual(tooLarge);
  });

  it('write accepts a value at VALUE_LENGTH_MAX', () => {
    const { state, root } = withBucket();
    const result = invoke(state, { cap: root, action: write('x'.repeat(VALUE_LENGTH_MAX)) });
    expect(E.isRight(result)).toBe(true);
  });

  it('write refuses a value over VALUE_LENGTH_MAX', () => {
    const { state, root } = withBucket();
    const result = invoke(state, { cap: root, action: write('x'.repeat(VALUE_LENGTH_MAX + 1)) });
    expect(result).toStrictEqual(tooLarge);
  });

  it('create on an unknown node is refused', () => {
    const result = create(initialState([storage]), { node: ghost, value: 'v0' });
    expect(result).toStrictEqual(E.left({ _tag: 'UnknownNode', node: ghost }));
  });

  it('create on a crashed node is refused', () => {
    const state = crashed(initialState([storage]), storage);
    expect(create(state, { node: storage, value: 'v0' })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: storage }),
    );
  });

  it('read without the read right is refused', () => {
    const { state, root } = withBucket();
    const writer = narrowed(state, root, ['write']);
    expect(readValue(state, writer)).toStrictEqual(E.left({ _tag: 'MissingRight', right: 'read', held: ['write'] }));
  });

  it('write without the write right is refused', () => {
    const { state, root } = withBucket();
    const reader = child(state, root, ['read']);
    expect(invoke(reader.state, { cap: reader.cap, action: write('v1') })).toStrictEqual(
      E.left({ _tag: 'MissingRight', right: 'write', held: ['read'] }),
    );
  });
});

describe('attenuate', () => {
  it('attenuate appends the requested rights as a caveat', () => {
    const { state, root } = withBucket();
    expect(narrowed(state, root, ['read'])).toStrictEqual({ ...root, caveats: [['read']] });
  });

  it('attenuate twice keeps the minted part', () => {
    const { state, root } = withBucket();
    const twice = narrowed(state, narrowed(state, root, ['grant', 'read']), ['read']);
    expect(twice).toStrictEqual({ ...root, caveats: [['grant', 'read'], ['read']] });
  });

  it('capability attenuated twice reads', () => {
    const { state, root } = withBucket();
    const twice = narrowed(state, narrowed(state, root, ['grant', 'read']), ['read']);
    expect(succeeded(readValue(state, twice))[1]).toStrictEqual({ kind: 'read', value: 'v0' });
  });

  it('attenuate narrows the effective rights', () => {
    const { state, root } = withBucket();
    expect(effectiveRights(narrowed(state, root, ['read', 'write']))).toStrictEqual(['read', 'write']);
  });

  it('attenuate returns the same state', () => {
    const { state, root } = withBucket();
    const [next] = succeeded(attenuate(state, { cap: root, rights: ['read'] }));
    expect(next).toBe(state);
  });

  it('attenuate works while every node is crashed', () => {
    const { state, root } = withBucket();
    const down = crashed(state, storage, gpu);
    expect(attenuate(down, { cap: root, rights: ['read'] })).toStrictEqual(
      E.right([down, { cap: { ...root, caveats: [['read']] } }]),
    );
  });

  it('attenuated capability reads after restart', () => {
    const { state, root } = withBucket();
    const down = crashed(state, storage, gpu);
    const reader = narrowed(down, root, ['read']);
    const [up] = succeeded(restart(down, { node: storage }));
    expect(succeeded(readValue(up, reader))[1]).toStrictEqual({ kind: 'read', value: 'v0' });
  });

  it('attenuate refuses a right the capability lacks', () => {
    const { state, root } = withBucket();
    const reader = narrowed(state, root, ['read']);
    expect(attenuate(state, { cap: reader, rights: ['read', 'write'] })).toStrictEqual(
      E.left({ _tag: 'RightsExceeded', requested: ['read', 'write'], held: ['read'] }),
    );
  });

  it('attenuate to no rights reads nothing', () => {
    const { state, root } = withBucket();
    const nothing = narrowed(state, root, []);
    expect(readValue(state, nothing)).toStrictEqual(E.left({ _tag: 'MissingRight', right: 'read', held: [] }));
  });

  it('attenuate accepts caveat number CAVEATS_MAX', () => {
    const { state, root } = withBucket();
    let cap = root;
    for (let count = 1; count <= CAVEATS_MAX; count += 1) {
      cap = narrowed(state, cap, ['read']);
    }
    expect(cap.caveats).toHaveLength(CAVEATS_MAX);
  });

  it('attenuate refuses caveat number CAVEATS_MAX+1', () => {
    const { state, root } = withBucket();
    let cap = root;
    for (let count = 1; count <= CAVEATS_MAX; count += 1) {
      cap = narrowed(state, cap, ['read']);
    }
    expect(attenuate(state, { cap, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'TooManyCaveats', count: CAVEATS_MAX + 1, max: CAVEATS_MAX }),
    );
  });

  it('caveat listing extra rights grants nothing', () => {
    const { state, root } = withBucket();
    const reader = child(state, root, ['read']);
    const padded: Capability = { ...reader.cap, caveats: [['grant', 'read', 'write']] };
    expect(invoke(reader.state, { cap: padded, action: write('v1') })).toStrictEqual(
      E.left({ _tag: 'MissingRight', right: 'write', held: ['read'] }),
    );
  });
});

describe('derive', () => {
  it('derive mints a capability on a new slot', () => {
    const { state, root } = withBucket();
    expect(child(state, root, ['read']).cap).toStrictEqual({
      object: bucket,
      slot: 1,
      version: 0,
      rights: ['read'],
      caveats: [],
    });
  });

  it('derive returns a revoker for the new slot', () => {
    const { state, root } = withBucket();
    expect(child(state, root, ['read']).revoker).toStrictEqual({ object: bucket, slot: 1, version: 0 });
  });

  it('derived slot records the parent version', () => {
    const { state, root } = withBucket();
    const derived = child(state, root, ['read']);
    expect(findObject(derived.state, bucket)?.slots[1]).toStrictEqual({
      version: 0,
      depth: 1,
      parent: { slot: 0, version: 0 },
    });
  });

  it('derive from an attenuated capability drops the caveats', () => {
    const { state, root } = withBucket();
    const granter = narrowed(state, root, ['grant', 'read']);
    expect(child(state, granter, ['read']).cap.caveats).toStrictEqual([]);
  });

  it('derived capability reads', () => {
    const { state, root } = withBucket();
    const reader = child(state, root, ['read']);
    expect(succeeded(readValue(reader.state, reader.cap))[1]).toStrictEqual({ kind: 'read', value: 'v0' });
  });

  it('derive without grant is refused', () => {
    const { state, root } = withBucket();
    const noGrant = narrowed(state, root, ['read', 'write']);
    expect(derive(state, { cap: noGrant, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'MissingRight', right: 'grant', held: ['read', 'write'] }),
    );
  });

  it('derive asking for a right it lacks is refused', () => {
    const { state, root } = withBucket();
    const granter = narrowed(state, root, ['grant', 'read']);
    expect(derive(state, { cap: granter, rights: ['read', 'write'] })).toStrictEqual(
      E.left({ _tag: 'RightsExceeded', requested: ['read', 'write'], held: ['grant', 'read'] }),
    );
  });

  it('derive on a crashed owner is refused', () => {
    const { state, root } = withBucket();
    expect(derive(crashed(state, storage), { cap: root, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: storage }),
    );
  });

  it('derive from a revoked capability is refused', () => {
    const { state, root } = withBucket();
    const parent = child(state, root, ['grant', 'read']);
    const [revoked] = succeeded(revoke(parent.state, { revoker: parent.revoker }));
    expect(derive(revoked, { cap: parent.cap, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: bucket, slot: 1 }),
    );
  });

  it('derive accepts depth SLOT_DEPTH_MAX', () => {
    const { state, root } = withBucket();
    let current = { state, cap: root };
    for (let depth = 1; depth <= SLOT_DEPTH_MAX; depth += 1) {
      current = child(current.state, current.cap, ['grant', 'read']);
    }
    expect(findObject(current.state, bucket)?.slots[current.cap.slot]?.depth).toBe(SLOT_DEPTH_MAX);
  });

  it('derive refuses depth SLOT_DEPTH_MAX+1', () => {
    const { state, root } = withBucket();
    let current = { state, cap: root };
    for (let depth = 1; depth <= SLOT_DEPTH_MAX; depth += 1) {
      current = child(current.state, current.cap, ['grant', 'read']);
    }
    expect(derive(current.state, { cap: current.cap, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'DepthExceeded', depth: SLOT_DEPTH_MAX + 1, max: SLOT_DEPTH_MAX }),
    );
  });

  describe('at SLOTS_PER_OBJECT_MAX', () => {
    // Deriving a million children one by one copies the slot table each time, so this state is
    // built directly: the bucket's root and SLOTS_PER_OBJECT_MAX - 2 read children of it, all minted.
    const { state, root } = withBucket();
    const filled = findObject(state, bucket) as ObjectState;
    const slots = [...filled.slots];
    const minted = new Map(filled.minted);
    for (let slot = 1; slot < SLOTS_PER_OBJECT_MAX - 1; slot += 1) {
      slots.push({ version: 0, depth: 1, parent: { slot: 0, version: 0 } });
      minted.set(incarnationKey(slot, 0), ['read']);
    }
    const almostFull = withObject(state, bucket, { ...filled, slots, minted });
    const lastChild = child(almostFull, root, ['read']);
    const full = lastChild.state;
    const last: Revoker = lastChild.revoker;

    it('derive fills slots up to SLOTS_PER_OBJECT_MAX', () => {
      expect(findObject(full, bucket)?.slots).toHaveLength(SLOTS_PER_OBJECT_MAX);
      expect(last.slot).toBe(SLOTS_PER_OBJECT_MAX - 1);
    });

    it('derive with every slot in use is refused', () => {
      expect(derive(full, { cap: root, rights: ['read'] })).toStrictEqual(
        E.left({ _tag: 'SlotsExhausted', object: bucket, max: SLOTS_PER_OBJECT_MAX }),
      );
    });

    it('derive after a revoke reuses the freed slot', () => {
      const [freed] = succeeded(revoke(full, { revoker: last }));
      expect(child(freed, root, ['read']).cap.slot).toBe(SLOTS_PER_OBJECT_MAX - 1);
    });
  });
});

describe('revoke', () => {
  /** storage/0 with two read children of the root: slot 1 (`first`) and slot 2 (`second`). */
  const siblings = () => {
    const { state, root } = withBucket();
    const first = child(state, root, ['read']);
    const second = child(first.state, root, ['read']);
    const [revoked] = succeeded(revoke(second.state, { revoker: first.revoker }));
    return { root, first, second, revoked };
  };

  it('revoked child is refused', () => {
    const { first, revoked } = siblings();
    expect(readValue(revoked, first.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
  });

  it('revoke of a child leaves the parent valid', () => {
    const { root, revoked } = siblings();
    expect(E.isRight(readValue(revoked, root))).toBe(true);
  });

  it('revoke of a child leaves the sibling valid', () => {
    const { second, revoked } = siblings();
    expect(E.isRight(readValue(revoked, second.cap))).toBe(true);
  });

  it('revoke bumps the slot version', () => {
    const { revoked } = siblings();
    expect(findObject(revoked, bucket)?.slots[1]?.version).toBe(1);
  });

  it('revoke puts the slot on the free list', () => {
    const { revoked } = siblings();
    expect(findObject(revoked, bucket)?.free).toStrictEqual([1]);
  });

  it('revoke leaves every other slot unchanged', () => {
    const { second, revoked } = siblings();
    const before = findObject(second.state, bucket)?.slots ?? [];
    const after = findObject(revoked, bucket)?.slots ?? [];
    expect(after.filter((_, slot) => slot !== 1)).toStrictEqual(before.filter((_, slot) => slot !== 1));
  });

  it('revoke is idempotent', () => {
    const { first, revoked } = siblings();
    expect(revoke(revoked, { revoker: first.revoker })).toStrictEqual(E.right([structuredClone(revoked), {}]));
  });

  it('revoke of the root revokes every capability of the object', () => {
    const { state, root, rootRevoker } = withBucket();
    const reader = child(state, root, ['read']);
    const [revoked] = succeeded(revoke(reader.state, { revoker: rootRevoker }));
    expect(readValue(revoked, reader.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 0 }));
  });

  it('revoke on a crashed owner is refused', () => {
    const { first, second } = siblings();
    expect(revoke(crashed(second.state, storage), { revoker: first.revoker })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: storage }),
    );
  });

  describe('cascade at depth 4', () => {
    // root -> a (slot 1) -> a' (attenuated) -> b (slot 2) -> c (slot 3) -> c' (attenuated) -> d (slot 4)
    const { state, root } = withBucket();
    const a = child(state, root, ['grant', 'read', 'write']);
    const aNarrowed = narrowed(a.state, a.cap, ['grant', 'read']);
    const b = child(a.state, aNarrowed, ['grant', 'read']);
    const c = child(b.state, b.cap, ['grant', 'read']);
    const cNarrowed = narrowed(c.state, c.cap, ['grant', 'read']);
    const d = child(c.state, cNarrowed, ['read']);
    const sibling = child(d.state, root, ['read']);
    const [revoked] = succeeded(revoke(sibling.state, { revoker: a.revoker }));

    it('descendants are valid before the revoke', () => {
      expect(E.isRight(readValue(sibling.state, d.cap))).toBe(true);
    });

    it.each([
      ['a', a.cap],
      ["a'", aNarrowed],
      ['b', b.cap],
      ['c', c.cap],
      ["c'", cNarrowed],
      ['d', d.cap],
    ])('revoking a refuses %s at slot 1', (_name, cap) => {
      expect(readValue(revoked, cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
    });

    it('revoking a leaves the root valid', () => {
      expect(E.isRight(readValue(revoked, root))).toBe(true);
    });

    it('revoking a leaves the sibling valid', () => {
      expect(E.isRight(readValue(revoked, sibling.cap))).toBe(true);
    });

    it('revoking a changes only slot 1 and the free list', () => {
      const before = findObject(sibling.state, bucket);
      const after = findObject(revoked, bucket);
      const slots = [...(before?.slots ?? [])];
      slots[1] = { version: 1, depth: 1, parent: { slot: 0, version: 0 } };
      expect(after).toStrictEqual({ ...before, slots, free: [1] });
    });

    it('revoking a leaves d revoked after its own revoke', () => {
      const [again] = succeeded(revoke(revoked, { revoker: d.revoker }));
      expect(readValue(again, d.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 4 }));
    });
  });
});

describe('slot reuse', () => {
  // root -> old (slot 1) -> grandchild (slot 2); root -> other (slot 3). Revoking old frees slot 1,
  // and the next derive, under other, reuses it at version 1.
  const { state, root } = withBucket();
  const old = child(state, root, ['grant', 'read']);
  const grandchild = child(old.state, old.cap, ['read']);
  const other = child(grandchild.state, root, ['grant', 'read']);
  const [afterRevoke] = succeeded(revoke(other.state, { revoker: old.revoker }));
  const fresh = child(afterRevoke, other.cap, ['read']);

  it('later derive reuses the revoked slot at its bumped version', () => {
    expect(fresh.revoker).toStrictEqual({ object: bucket, slot: 1, version: 1 });
  });

  it('reused slot links to its new parent', () => {
    expect(findObject(fresh.state, bucket)?.slots[1]).toStrictEqual({
      version: 1,
      depth: 2,
      parent: { slot: 3, version: 0 },
    });
  });

  it('reuse takes the slot off the free list', () => {
    expect(findObject(fresh.state, bucket)?.free).toStrictEqual([]);
  });

  it('new incarnation reads', () => {
    expect(E.isRight(readValue(fresh.state, fresh.cap))).toBe(true);
  });

  it('old capability stays revoked', () => {
    expect(readValue(fresh.state, old.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
  });

  it('old grandchild stays revoked', () => {
    expect(readValue(fresh.state, grandchild.cap)).toStrictEqual(
      E.left({ _tag: 'Revoked', object: bucket, slot: 1 }),
    );
  });

  it('old revoker changes nothing', () => {
    expect(revoke(fresh.state, { revoker: old.revoker })).toStrictEqual(E.right([structuredClone(fresh.state), {}]));
  });

  it('old revoker leaves the new incarnation valid', () => {
    const [after] = succeeded(revoke(fresh.state, { revoker: old.revoker }));
    expect(E.isRight(readValue(after, fresh.cap))).toBe(true);
  });

  it('new revoker revokes the new incarnation', () => {
    const [after] = succeeded(revoke(fresh.state, { revoker: fresh.revoker }));
    expect(readValue(after, fresh.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
  });

  it('revoking the new parent revokes the new incarnation', () => {
    const [after] = succeeded(revoke(fresh.state, { revoker: other.revoker }));
    expect(readValue(after, fresh.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 3 }));
  });

  it('revoker of the free slot version is forged', () => {
    const freeRevoker: Revoker = { object: bucket, slot: 1, version: 1 };
    expect(revoke(afterRevoke, { revoker: freeRevoker })).toStrictEqual(E.left({ _tag: 'Forged', object: bucket }));
  });
});

describe('slot retirement', () => {
  // Reaching SLOT_VERSION_MAX by revoking would take 2^32 steps, so the state puts slot 1 at the
  // given version directly, with its incarnation minted as derive would have minted it.
  const { state, root } = withBucket();
  const derived = child(state, root, ['read']);

  const slotAt = (version: number) => {
    const entry = findObject(derived.state, bucket);
    if (entry === undefined) {
      throw new Error('storage/0 is missing after derive');
    }
    const slots = [...entry.slots];
    slots[1] = { version, depth: 1, parent: { slot: 0, version: 0 } };
    const minted = new Map(entry.minted).set(incarnationKey(1, version), ['read'] as Rights);
    const next = withObject(derived.state, bucket, { ...entry, slots, minted });
    const cap: Capability = { object: bucket, slot: 1, version, rights: ['read'], caveats: [] };
    const [revoked] = succeeded(revoke(next, { revoker: { object: bucket, slot: 1, version } }));
    return { state: next, cap, revoked };
  };

  const atMax = slotAt(SLOT_VERSION_MAX);
  const belowMax = slotAt(SLOT_VERSION_MAX - 1);

  it('capability at SLOT_VERSION_MAX reads', () => {
    expect(E.isRight(readValue(atMax.state, atMax.cap))).toBe(true);
  });

  it('revoke at SLOT_VERSION_MAX revokes the capability', () => {
    expect(readValue(atMax.revoked, atMax.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
  });

  it('revoke at SLOT_VERSION_MAX leaves the free list empty', () => {
    expect(findObject(atMax.revoked, bucket)?.free).toStrictEqual([]);
  });

  it('derive after retirement allocates a fresh slot', () => {
    expect(child(atMax.revoked, root, ['read']).revoker).toStrictEqual({ object: bucket, slot: 2, version: 0 });
  });

  it('revoke just below SLOT_VERSION_MAX frees the slot', () => {
    expect(findObject(belowMax.revoked, bucket)?.free).toStrictEqual([1]);
  });

  it('derive reuses the slot at SLOT_VERSION_MAX', () => {
    expect(child(belowMax.revoked, root, ['read']).revoker).toStrictEqual({
      object: bucket,
      slot: 1,
      version: SLOT_VERSION_MAX,
    });
  });
});

describe('chain walk', () => {
  it('chain longer than SLOT_DEPTH_MAX throws a Defect', () => {
    // Slot 1 as its own parent cannot arise from the operations, and the walk must not loop on it.
    const { state, root } = withBucket();
    const derived = child(state, root, ['read']);
    const entry = findObject(derived.state, bucket);
    if (entry === undefined) {
      throw new Error('storage/0 is missing after derive');
    }
    const slots = [...entry.slots];
    slots[1] = { version: 0, depth: 1, parent: { slot: 1, version: 0 } };
    const corrupt = withObject(derived.state, bucket, { ...entry, slots });
    expect(() => readValue(corrupt, derived.cap)).toThrow(Defect);
    expect(() => readValue(corrupt, derived.cap)).toThrow(`slot chain of ${derived.cap.object} from slot ${derived.cap.slot} is longer than ${SLOT_DEPTH_MAX} links`);
  });
});

describe('forged capabilities', () => {
  const { state, root } = withBucket();
  const reader = child(state, root, ['read']);

  it.each<[string, Capability]>([
    ['amplified base rights', { ...reader.cap, rights: ['grant', 'read', 'write'] }],
    ['wrong version', { ...root, version: 7 }],
    ['unknown slot', { ...root, slot: 42 }],
    ['unknown object', { ...root, object: 'storage/9' as ObjectId }],
  ])('capability with %s is forged', (_case, cap) => {
    expect(readValue(reader.state, cap)).toStrictEqual(E.left({ _tag: 'Forged', object: cap.object }));
  });

  it('capability on an unknown node is refused', () => {
    const cap: Capability = { ...root, object: 'ghost/0' as ObjectId };
    expect(readValue(reader.state, cap)).toStrictEqual(E.left({ _tag: 'UnknownNode', node: ghost }));
  });

  it('forged capability cannot derive', () => {
    const cap: Capability = { ...root, version: 7 };
    expect(derive(reader.state, { cap, rights: ['read'] })).toStrictEqual(E.left({ _tag: 'Forged', object: bucket }));
  });

  it('attenuate of a forged capability succeeds offline', () => {
    const cap: Capability = { ...root, version: 7 };
    expect(E.isRight(attenuate(reader.state, { cap, rights: ['read'] }))).toBe(true);
  });

  it('attenuated forged capability is refused on use', () => {
    const cap = narrowed(reader.state, { ...root, version: 7 }, ['read']);
    expect(readValue(reader.state, cap)).toStrictEqual(E.left({ _tag: 'Forged', object: bucket }));
  });

  it.each<[string, Revoker]>([
    ['wrong version', { ...reader.revoker, version: 3 }],
    ['unknown slot', { ...reader.revoker, slot: 42 }],
    ['unknown object', { ...reader.revoker, object: 'storage/9' as ObjectId }],
  ])('revoker with %s is forged', (_case, revoker) => {
    expect(revoke(reader.state, { revoker })).toStrictEqual(E.left({ _tag: 'Forged', object: revoker.object }));
  });

  it('revoker on an unknown node is refused', () => {
    const revoker: Revoker = { ...reader.revoker, object: 'ghost/0' as ObjectId };
    expect(revoke(reader.state, { revoker })).toStrictEqual(E.left({ _tag: 'UnknownNode', node: ghost }));
  });
});

describe('crash and restart', () => {
  const { state, root } = withBucket();
  const reader = child(state, root, ['read']);
  const [cluster, queue] = succeeded(create(reader.state, { node: gpu, value: 'q0' }));
  const [down] = succeeded(crash(cluster, { node: storage }));

  it('crash of a crashed node is refused', () => {
    expect(crash(down, { node: storage })).toStrictEqual(E.left({ _tag: 'AlreadyCrashed', node: storage }));
  });

  it('restart of an up node is refused', () => {
    expect(restart(cluster, { node: storage })).toStrictEqual(E.left({ _tag: 'NotCrashed', node: storage }));
  });

  it('crash of an unknown node is refused', () => {
    expect(crash(cluster, { node: ghost })).toStrictEqual(E.left({ _tag: 'UnknownNode', node: ghost }));
  });

  it('restart of an unknown node is refused', () => {
    expect(restart(cluster, { node: ghost })).toStrictEqual(E.left({ _tag: 'UnknownNode', node: ghost }));
  });

  it('read on a crashed owner is refused', () => {
    expect(readValue(down, root)).toStrictEqual(E.left({ _tag: 'OwnerUnavailable', node: storage }));
  });

  it('crash leaves the other node entry unchanged', () => {
    expect(down.nodes.get(gpu)).toStrictEqual(cluster.nodes.get(gpu));
  });

  it('crash leaves objects of other nodes readable', () => {
    expect(succeeded(readValue(down, queue.cap))[1]).toStrictEqual({ kind: 'read', value: 'q0' });
  });

  it('crash leaves objects of other nodes writable', () => {
    expect(E.isRight(invoke(down, { cap: queue.cap, action: write('q1') }))).toBe(true);
  });

  it('crash leaves objects of other nodes derivable', () => {
    expect(E.isRight(derive(down, { cap: queue.cap, rights: ['read'] }))).toBe(true);
  });

  it('crash leaves objects of other nodes revocable', () => {
    expect(E.isRight(revoke(down, { revoker: queue.revoker }))).toBe(true);
  });

  it('restart restores the state before the crash', () => {
    const [up] = succeeded(restart(down, { node: storage }));
    expect(up).toStrictEqual(cluster);
  });

  it('capability minted before the crash reads after restart', () => {
    const [up] = succeeded(restart(down, { node: storage }));
    expect(succeeded(readValue(up, reader.cap))[1]).toStrictEqual({ kind: 'read', value: 'v0' });
  });

  it('write before the crash is kept by restart', () => {
    const [written] = succeeded(invoke(cluster, { cap: root, action: write('v1') }));
    const [crashedAgain] = succeeded(crash(written, { node: storage }));
    const [up] = succeeded(restart(crashedAgain, { node: storage }));
    expect(succeeded(readValue(up, root))[1]).toStrictEqual({ kind: 'read', value: 'v1' });
  });

  it('revoke before the crash is kept by restart', () => {
    const [revoked] = succeeded(revoke(cluster, { revoker: reader.revoker }));
    const [crashedAgain] = succeeded(crash(revoked, { node: storage }));
    const [up] = succeeded(restart(crashedAgain, { node: storage }));
    expect(readValue(up, reader.cap)).toStrictEqual(E.left({ _tag: 'Revoked', object: bucket, slot: 1 }));
  });
});

describe('refusal order', () => {
  const { state, root } = withBucket();
  const reader = child(state, root, ['read']);
  const [revoked] = succeeded(revoke(reader.state, { revoker: reader.revoker }));
  const down = crashed(reader.state, storage);

  it('forged capability on a crashed owner gets OwnerUnavailable', () => {
    expect(readValue(down, { ...root, version: 7 })).toStrictEqual(E.left({ _tag: 'OwnerUnavailable', node: storage }));
  });

  it('revoked capability on a crashed owner gets OwnerUnavailable', () => {
    const revokedDown = crashed(revoked, storage);
    expect(readValue(revokedDown, reader.cap)).toStrictEqual(E.left({ _tag: 'OwnerUnavailable', node: storage }));
  });

  it('revoked capability with amplified rights gets Forged', () => {
    const cap: Capability = { ...reader.cap, rights: ['read', 'write'] };
    expect(readValue(revoked, cap)).toStrictEqual(E.left({ _tag: 'Forged', object: bucket }));
  });

  it('revoked capability lacking the right gets Revoked', () => {
    expect(invoke(revoked, { cap: reader.cap, action: write('v1') })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: bucket, slot: 1 }),
    );
  });

  it('revoked capability deriving without grant gets Revoked', () => {
    expect(derive(revoked, { cap: reader.cap, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'Revoked', object: bucket, slot: 1 }),
    );
  });

  it('oversized write lacking the write right gets MissingRight', () => {
    const big = write('x'.repeat(VALUE_LENGTH_MAX + 1));
    expect(invoke(reader.state, { cap: reader.cap, action: big })).toStrictEqual(
      E.left({ _tag: 'MissingRight', right: 'write', held: ['read'] }),
    );
  });

  it('oversized create on a crashed node gets OwnerUnavailable', () => {
    expect(create(down, { node: storage, value: 'x'.repeat(VALUE_LENGTH_MAX + 1) })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: storage }),
    );
  });

  it('derive without grant asking for more gets MissingRight', () => {
    const writer = narrowed(state, root, ['write']);
    expect(derive(state, { cap: writer, rights: ['read'] })).toStrictEqual(
      E.left({ _tag: 'MissingRight', right: 'grant', held: ['write'] }),
    );
  });

  describe('at SLOT_DEPTH_MAX', () => {
    let deepest = { state, cap: root };
    for (let depth = 1; depth <= SLOT_DEPTH_MAX; depth += 1) {
      deepest = child(deepest.state, deepest.cap, ['grant', 'read']);
    }

    it('derive too deep asking for more gets RightsExceeded', () => {
      expect(derive(deepest.state, { cap: deepest.cap, rights: ['write'] })).toStrictEqual(
        E.left({ _tag: 'RightsExceeded', requested: ['write'], held: ['grant', 'read'] }),
      );
    });

    it('derive too deep without grant gets MissingRight', () => {
      const noGrant = narrowed(deepest.state, deepest.cap, ['read']);
      expect(derive(deepest.state, { cap: noGrant, rights: ['read'] })).toStrictEqual(
        E.left({ _tag: 'MissingRight', right: 'grant', held: ['read'] }),
      );
    });
  });

  it('attenuate past CAVEATS_MAX asking for more gets RightsExceeded', () => {
    let cap = root;
    for (let count = 1; count <= CAVEATS_MAX; count += 1) {
      cap = narrowed(state, cap, ['read']);
    }
    expect(attenuate(state, { cap, rights: ['write'] })).toStrictEqual(
      E.left({ _tag: 'RightsExceeded', requested: ['write'], held: ['read'] }),
    );
  });

  it('forged revoker on a crashed owner gets OwnerUnavailable', () => {
    expect(revoke(down, { revoker: { ...reader.revoker, version: 3 } })).toStrictEqual(
      E.left({ _tag: 'OwnerUnavailable', node: storage }),
    );
  });
});

describe('inputs are not mutated', () => {
  const { state, root, rootRevoker } = withBucket();
  const first = child(state, root, ['grant', 'read']);
  const [withFree] = succeeded(revoke(first.state, { revoker: first.revoker }));
  const down = crashed(first.state, storage);

  const cases: ReadonlyArray<{ readonly name: string; readonly state: State; readonly input: Input }> = [
    { name: 'create', state, input: { op: 'create', node: storage, value: 'v1' } },
    { name: 'attenuate', state, input: { op: 'attenuate', cap: first.cap, rights: ['read'] } },
    { name: 'derive of a fresh slot', state: first.state, input: { op: 'derive', cap: first.cap, rights: ['read'] } },
    { name: 'derive of a reused slot', state: withFree, input: { op: 'derive', cap: root, rights: ['read'] } },
    { name: 'revoke', state: first.state, input: { op: 'revoke', revoker: first.revoker } },
    { name: 'revoke of the root', state: first.state, input: { op: 'revoke', revoker: rootRevoker } },
    { name: 'invoke write', state: first.state, input: { op: 'invoke', cap: root, action: write('v1') } },
    { name: 'invoke read', state: first.state, input: { op: 'invoke', cap: first.cap, action: READ } },
    { name: 'crash', state: first.state, input: { op: 'crash', node: storage } },
    { name: 'restart', state: down, input: { op: 'restart', node: storage } },
  ];

  it.each(cases)('$name succeeds', ({ state: before, input }) => {
    expect(E.isRight(step(referenceModel, before, input))).toBe(true);
  });

  it.each(cases)('$name leaves its state unchanged', ({ state: before, input }) => {
    const copy = structuredClone(before);
    step(referenceModel, before, input);
    expect(before).toStrictEqual(copy);
  });

  it.each(cases)('$name leaves its input unchanged', ({ state: before, input }) => {
    const copy = structuredClone(input);
    step(referenceModel, before, input);
    expect(input).toStrictEqual(copy);
  });
});
