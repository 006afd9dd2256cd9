/**
 * Depth-first search for a linearization of one object's operations, in the style of Wing and
 * Gong's checker with Lowe's memoization: a search node is a set of placed operations and the model state
 * they lead to, and a node seen before is not explored again, because what can follow depends on
 * nothing else.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invariant, step, type ModelOps, type State, type StepResult } from '../../model/index.ts';
import { reproduces } from './outcome-match.ts';
import type { SearchOp } from './search-op.ts';
import { stateKey } from './state-key.ts';

/** The operation that had to come next at the end of the longest prefix, and the model's result for it there. */
export interface Blocked {
  readonly index: number;
  readonly state: State;
  readonly result: StepResult;
}

/** Operations are named by their index in the search's input array. */
export type SearchResult =
  | { readonly kind: 'found'; readonly order: ReadonlyArray<number>; readonly explored: number }
  | { readonly kind: 'exhausted'; readonly longestPrefix: ReadonlyArray<number>; readonly blocked: Blocked; readonly explored: number }
  | { readonly kind: 'budget'; readonly explored: number };

interface Frame {
  readonly state: State;
  readonly stateId: number;
  readonly candidates: ReadonlyArray<number>;
  cursor: number;
}

/**
 * Order in which candidates are tried: determinate operations by answer time, so a history that
 * is already sequential is checked without backtracking, then indeterminate ones by send time.
 */
const tryOrder = (ops: ReadonlyArray<SearchOp>): ReadonlyArray<number> =>
  ops
    .map((_, index) => index)
    .sort((a, b) => {
      const opA = ops[a] as SearchOp;
      const opB = ops[b] as SearchOp;
      const determinate = Number(opA.expected === null) - Number(opB.expected === null);
      return determinate !== 0 ? determinate : opA.end - opB.end || opA.start - opB.start || a - b;
    });

/**
 * Searches for an order of `ops` that respects real time and in which the model, from `initial`,
 * reproduces every determinate outcome; indeterminate operations may be left out. `budget` is the
 * maximum number of search nodes to visit.
 */
export const searchLinearization = (
  model: ModelOps,
  initial: State,
  ops: ReadonlyArray<SearchOp>,
  budget: number,
): SearchResult => {
  const opAt = (index: number): SearchOp => ops[index] as SearchOp;
  const order = tryOrder(ops);
  const placed = new Uint8Array(ops.length);
  const placedWords = new Uint32Array(Math.ceil(ops.length / 32));
  let determinateLeft = ops.filter((op) => op.expected !== null).length;

  const setPlaced = (index: number, value: 0 | 1): void => {
    placed[index] = value;
    placedWords[index >>> 5] = (placedWords[index >>> 5] as number) ^ (1 << (index & 31));
    determinateLeft += opAt(index).expected === null ? 0 : value === 1 ? -1 : 1;
  };

  const stateIds = new Map<string, number>();
  const internState = (state: State): number => {
    const key = stateKey(state);
    const known = stateIds.get(key);
    if (known !== undefined) {
      return known;
    }
    stateIds.set(key, stateIds.size);
    return stateIds.size - 1;
  };
  const visited = new Set<string>();
  const nodeKey = (stateId: number): string => `${stateId}|${placedWords.join(',')}`;

  // An operation may go next unless some unplaced determinate operation was answered before it was sent.
  const candidates = (): ReadonlyArray<number> => {
    let earliestEnd = Infinity;
    for (let index = 0; index < ops.length; index += 1) {
      const op = opAt(index);
      if (placed[index] === 0 && op.expected !== null && op.end < earliestEnd) {
        earliestEnd = op.end;
      }
    }
    return order.filter((index) => placed[index] === 0 && opAt(index).start <= earliestEnd);
  };

  // At the end of the longest prefix every determinate candidate failed to reproduce its outcome,
  // because one that succeeded would have made a longer prefix. The unplaced determinate operation
  // with the earliest answer is always a candidate, so it names what could not be placed.
  const blockedAt = (state: State): Blocked => {
    const index = order.find((candidate) => placed[candidate] === 0 && opAt(candidate).expected !== null);
    invariant(index !== undefined, 'the search ran out of orders with no determinate operation left to place');
    const op = opAt(index);
    const result = step(model, state, op.recorded.input);
    invariant(op.expected !== null && !reproduces(result, op.expected), `operation ${op.recorded.id} matches at the end of the longest prefix`);
    return { index, state, result };
  };

  const rootId = internState(initial);
  visited.add(nodeKey(rootId));
  let explored = 1;
  if (determinateLeft === 0) {
    return { kind: 'found', order: [], explored };
  }

  const path: number[] = [];
  let longest: ReadonlyArray<number> = [];
  let blocked: Blocked | null = null;
  const stack: Frame[] = [{ state: initial, stateId: rootId, candidates: candidates(), cursor: 0 }];

  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const index = frame.candidates[frame.cursor];

    if (index === undefined) {
      if (path.length === longest.length && blocked === null) {
        blocked = blockedAt(frame.state);
      }
      stack.pop();
      const last = path.pop();
      if (last !== undefined) {
        setPlaced(last, 0);
      }
      continue;
    }
    frame.cursor += 1;

    const op = opAt(index);
    const result = step(model, frame.state, op.recorded.input);
    if (op.expected === null ? E.isLeft(result) : !reproduces(result, op.expected)) {
      continue;
    }
    const next = E.isRight(result) ? result.right[0] : frame.state;
    const nextId = next === frame.state ? frame.stateId : internState(next);
    // An indeterminate operation that changes nothing is no different from leaving it out.
    if (op.expected === null && nextId === frame.stateId) {
      continue;
    }

    setPlaced(index, 1);
    const key = nodeKey(nextId);
    if (visited.has(key)) {
      setPlaced(index, 0);
      continue;
    }
    if (explored >= budget) {
      return { kind: 'budget', explored };
    }
    visited.add(key);
    explored += 1;
    path.push(index);

    if (path.length > longest.length) {
      longest = [...path];
      blocked = null;
    }
    if (determinateLeft === 0) {
      return { kind: 'found', order: [...path], explored };
    }
    stack.push({ state: next, stateId: nextId, candidates: candidates(), cursor: 0 });
  }

  invariant(blocked !== null, 'the search ran out of orders without recording where it was blocked');
  return { kind: 'exhausted', longestPrefix: longest, blocked, explored };
};
