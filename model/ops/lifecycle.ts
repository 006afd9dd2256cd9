import * as E from 'fp-ts/lib/Either.js';
import type { NodeId } from '../ids.ts';
import { alreadyCrashed, notCrashed, unknownNode, type Refusal } from '../refusal.ts';
import { withNode, type State } from '../state.ts';

export interface NodeInput {
  readonly node: NodeId;
}

export type LifecycleOutput = Readonly<Record<string, never>>;

/**
 * Crashes a node. Its objects become unavailable until it restarts; every acknowledged effect is
 * kept, and no other node's entry is touched.
 */
export const crash = (state: State, input: NodeInput): E.Either<Refusal, readonly [State, LifecycleOutput]> => {
  const entry = state.nodes.get(input.node);
  if (entry === undefined) {
    return E.left(unknownNode(input.node));
  }
  if (entry.status === 'crashed') {
    return E.left(alreadyCrashed(input.node));
  }
  return E.right([withNode(state, input.node, { ...entry, status: 'crashed' }), {}] as const);
};

/** Restarts a crashed node with exactly the objects, slots and versions it had when it crashed. */
export const restart = (state: State, input: NodeInput): E.Either<Refusal, readonly [State, LifecycleOutput]> => {
  const entry = state.nodes.get(input.node);
  if (entry === undefined) {
    return E.left(unknownNode(input.node));
  }
  if (entry.status === 'up') {
    return E.left(notCrashed(input.node));
  }
  return E.right([withNode(state, input.node, { ...entry, status: 'up' }), {}] as const);
};
