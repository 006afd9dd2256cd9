/**
 * Depth-first search for a linearization of one object's operations, in the style of Wing and
 * Gong's checker with Lowe's memoization. A search node is a set of placed operations and the
 * model state they lead to. A node covered by one visited before is not explored again.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invariant, step, type ModelOps, type State, type StepResult } from '../../model/index.ts';
import { candidatesAt, tryOrder } from './candidates.ts';
import { reproduces } from './outcome-match.ts';
import { Placement } from './placement.ts';
import type { SearchOp } from './search-op.ts';
import { StateIds } from './state-key.ts';
import { VisitedNodes } from './visited.ts';

/**
 * The point where the search got furthest: the first exhausted path among those that place the
 * most determinate operations, the determinate operation that had to come next, and the model's
 * result for that operation there.
 */
export interface Blocked {
  readonly prefix: ReadonlyArray<number>;
  readonly index: number;
  readonly state: State;
  readonly result: StepResult;
}

/** Operations are named by their index in the search's input array. */
export type SearchResult =
  | { readonly kind: 'found'; readonly order: ReadonlyArray<number>; readonly explored: number }
  | { readonly kind: 'exhausted'; readonly blocked: Blocked; readonly explored: number }
  | { readonly kind: 'budget'; readonly explored: number };

interface Frame {
  readonly state: State;
  readonly stateId: number;
  readonly candidates: ReadonlyArray<number>;
  cursor: number;
}

/**
 * Searches for an order of `ops` that respects real time and in which the model, from `initial`,
 * reproduces every determinate outcome. Indeterminate operations may be left out. `budget` is the
 * maximum number of search nodes to visit.
 */
export const searchLinearization = (
  model: ModelOps,
  initial: State,
  ops: ReadonlyArray<SearchOp>,
  budget: number,
): SearchResult => {
  const order = tryOrder(ops);
  // Only indeterminate operations are compared by input, so only they need a key.
  const inputKeys = ops.map((op) => (op.expected === null ? JSON.stringify(op.recorded.input) : ''));
  const placement = new Placement(ops);
  const stateIds = new StateIds();
  const visited = new VisitedNodes();
  const visit = (stateId: number): boolean => visited.visit(placement.nodeKey(stateId), placement.indeterminateMask);
  const path: number[] = [];

  // On a path that places the most determinate operations so far, every determinate candidate
  // failed to reproduce its outcome, because one that succeeded would have placed one more. The
  // unplaced determinate operation with the earliest response is always a candidate, so it names
  // what could not be placed.
  const blockedAt = (state: State): Blocked => {
    const index = order.find((candidate) => !placement.isPlaced(candidate) && ops[candidate]?.expected !== null);
    invariant(index !== undefined, 'the search ran out of orders with no determinate operation left to place');
    const op = ops[index] as SearchOp;
    const result = step(model, state, op.recorded.input);
    invariant(op.expected !== null && !reproduces(result, op.expected), `operation ${op.recorded.id} matches where the search got furthest`);
    return { prefix: [...path], index, state, result };
  };

  const rootId = stateIds.idOf(initial);
  visit(rootId);
  let explored = 1;
  if (placement.allDeterminatePlaced) {
    return { kind: 'found', order: [], explored };
  }

  let maxDeterminatePlaced = 0;
  let blocked: Blocked | null = null;
  const stack: Frame[] = [{ state: initial, stateId: rootId, candidates: candidatesAt(ops, order, inputKeys, placement), cursor: 0 }];

  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const index = frame.candidates[frame.cursor];

    if (index === undefined) {
      if (placement.determinatePlaced === maxDeterminatePlaced && blocked === null) {
        blocked = blockedAt(frame.state);
      }
      stack.pop();
      const last = path.pop();
      if (last !== undefined) {
        placement.toggle(last);
      }
      continue;
    }
    frame.cursor += 1;

    // A refused indeterminate operation took no effect, which is the same as leaving it out.
    const op = ops[index] as SearchOp;
    const result = step(model, frame.state, op.recorded.input);
    if (op.expected === null ? E.isLeft(result) : !reproduces(result, op.expected)) {
      continue;
    }
    const next = E.isRight(result) ? result.right[0] : frame.state;
    const nextId = next === frame.state ? frame.stateId : stateIds.idOf(next);

    placement.toggle(index);
    if (!visit(nextId)) {
      placement.toggle(index);
      continue;
    }
    if (explored >= budget) {
      return { kind: 'budget', explored };
    }
    explored += 1;
    path.push(index);

    if (placement.determinatePlaced > maxDeterminatePlaced) {
      maxDeterminatePlaced = placement.determinatePlaced;
      blocked = null;
    }
    if (placement.allDeterminatePlaced) {
      return { kind: 'found', order: [...path], explored };
    }
    stack.push({ state: next, stateId: nextId, candidates: candidatesAt(ops, order, inputKeys, placement), cursor: 0 });
  }

  invariant(blocked !== null, 'the search ran out of orders without recording where it was blocked');
  return { kind: 'exhausted', blocked, explored };
};
