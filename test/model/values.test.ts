import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  Defect,
  findObject,
  formatCapability,
  formatRevoker,
  formatRights,
  initialState,
  invariant,
  isNodeId,
  isObjectId,
  nodeId,
  nodeIds,
  objectId,
  OP_NAMES,
  ownerOf,
  REFUSAL_TAGS,
  referenceModel,
  step,
  type ObjectId,
} from '../../model/index.ts';

describe('node ids', () => {
  const valid = ['n', 'n0', 'storage', 'gpu-1', '0', 'a'.repeat(32), 'model-serving'];
  const invalid = ['', '-n', 'N0', 'n_0', 'n 0', 'a'.repeat(33), 'storage/1', 'ünïcode', 'n0\n', ' n0'];
  for (const text of valid) {
    it(`accepts ${JSON.stringify(text)}`, () => {
      expect(isNodeId(text)).toBe(true);
      expect(nodeId(text)).toBe(text);
    });
  }
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(isNodeId(text)).toBe(false);
      expect(() => nodeId(text)).toThrow(`invalid node id ${JSON.stringify(text)}: use 1 to 32 lowercase letters`);
    });
  }
});

describe('object ids', () => {
  const valid = ['n0/0', 'storage/17', 'gpu-1/1234567890123456', `${'a'.repeat(32)}/9`];
  const invalid = ['n0', 'n0/', '/0', 'n0/01', 'n0/-1', 'n0/1a', 'N0/1', `${'a'.repeat(33)}/1`, 'n0/12345678901234567', 'x n0/1', 'n0/1 ', '-n/1', 'n0/a'];
  for (const text of valid) {
    it(`accepts ${JSON.stringify(text)}`, () => {
      expect(isObjectId(text)).toBe(true);
    });
  }
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(isObjectId(text)).toBe(false);
    });
  }

  it('names its owner', () => {
    expect(objectId(nodeId('storage'), 3)).toBe('storage/3');
    expect(ownerOf('storage/3' as ObjectId)).toBe('storage');
    expect(ownerOf('gpu-1/0' as ObjectId)).toBe('gpu-1');
  });
});

describe('formatting', () => {
  const object = 'storage/3' as ObjectId;

  it('formats rights sets', () => {
    expect(formatRights([])).toBe('{}');
    expect(formatRights(['read'])).toBe('{read}');
    expect(formatRights(['grant', 'read', 'write'])).toBe('{grant,read,write}');
  });

  it('formats capabilities with caveats', () => {
    const cap = { object, slot: 2, version: 5, rights: ['read', 'write'] as const, caveats: [['read'] as const, [] as const] };
    expect(formatCapability(cap)).toBe('cap(storage/3#2@5{read,write}/{read}/{})');
    expect(formatCapability({ ...cap, caveats: [] })).toBe('cap(storage/3#2@5{read,write})');
  });

  it('formats revokers', () => {
    expect(formatRevoker({ object, slot: 1, version: 0 })).toBe('revoker(storage/3#1@0)');
  });
});

describe('defects', () => {
  it('invariant throws Defect with the message', () => {
    expect(() => invariant(false, 'broken')).toThrow(Defect);
    expect(() => invariant(false, 'broken')).toThrow('broken');
    try {
      invariant(false, 'named');
    } catch (error) {
      expect((error as Error).name).toBe('Defect');
    }
  });

  it('invariant passes when the condition holds', () => {
    expect(() => invariant(true, 'never')).not.toThrow();
  });
});

describe('initial state', () => {
  it('lists its nodes in order', () => {
    expect(nodeIds(initialState([nodeId('b'), nodeId('a')]))).toEqual(['b', 'a']);
  });

  it('rejects duplicate node ids', () => {
    expect(() => initialState([nodeId('a'), nodeId('a')])).toThrow('duplicate node id in ["a","a"]');
  });
});

describe('name lists', () => {
  it('lists every operation', () => {
    expect(OP_NAMES).toEqual(['create', 'attenuate', 'derive', 'revoke', 'invoke', 'crash', 'restart']);
  });

  it('lists every refusal', () => {
    expect(REFUSAL_TAGS).toEqual([
      'UnknownNode',
      'OwnerUnavailable',
      'Forged',
      'Revoked',
      'MissingRight',
      'RightsExceeded',
      'DepthExceeded',
      'TooManyCaveats',
      'SlotsExhausted',
      'ValueTooLarge',
      'AlreadyCrashed',
      'NotCrashed',
    ]);
  });
});

describe('free list', () => {
  it('reuses the lowest revoked slot first', () => {
    const node = nodeId('n0');
    let state = initialState([node]);
    const created = step(referenceModel, state, { op: 'create', node, value: '' });
    if (E.isLeft(created) || created.right[1].op !== 'create') {
      throw new Error('create failed');
    }
    state = created.right[0];
    const root = created.right[1].cap;
    const revokers = [];
    for (let count = 0; count < 3; count += 1) {
      const derived = referenceModel.derive(state, { cap: root, rights: ['read'] });
      if (E.isLeft(derived)) {
        throw new Error('derive failed');
      }
      state = derived.right[0];
      revokers.push(derived.right[1].revoker);
    }
    for (const index of [2, 0]) {
      const revoked = referenceModel.revoke(state, { revoker: revokers[index] as (typeof revokers)[number] });
      if (E.isLeft(revoked)) {
        throw new Error('revoke failed');
      }
      state = revoked.right[0];
    }

    expect(findObject(state, root.object)?.free).toEqual([1, 3]);
    const first = referenceModel.derive(state, { cap: root, rights: [] });
    if (E.isLeft(first)) {
      throw new Error(`first derive failed: ${first.left._tag}`);
    }
    expect(first.right[1].cap.slot).toBe(1);
    const second = referenceModel.derive(first.right[0], { cap: root, rights: [] });
    if (E.isLeft(second)) {
      throw new Error(`second derive failed: ${second.left._tag}`);
    }
    expect(second.right[1].cap.slot).toBe(3);
    expect(second.right[1].cap.version).toBe(1);
  });
});
