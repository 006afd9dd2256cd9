import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { initialState, nodeId, referenceModel, step } from '../../model/index.ts';

describe('model smoke', () => {
  it('create then read', () => {
    const state = initialState([nodeId('storage')]);
    const created = step(referenceModel, state, { op: 'create', node: nodeId('storage'), value: 'v0' });
    expect(E.isRight(created)).toBe(true);
  });
});
