/**
 * An independent check of a linearization the checker returned: every determinate operation
 * appears once, no operation comes before one whose response preceded its invocation, and replaying
 * the order on the reference model reproduces every determinate outcome.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import { referenceModel, step, type State } from '../../model/index.ts';
import { stateAfterCreation } from '../../properties/checker/initial-state.ts';
import type { RecordedCreation, RecordedOp } from '../../properties/checker/index.ts';

const isDeterminate = (op: RecordedOp): boolean =>
  op.outcome.kind === 'ok' || (op.outcome.kind === 'refused' && op.outcome.refusal._tag !== 'OwnerUnavailable');

/** Returns the first problem with `order` as a linearization of `ops`, or `null` when it is one. */
export const witnessProblem = (creation: RecordedCreation, ops: ReadonlyArray<RecordedOp>, order: ReadonlyArray<number>): string | null => {
  const byId = new Map(ops.map((op) => [op.id, op]));
  if (new Set(order).size !== order.length) {
    return `order ${JSON.stringify(order)} repeats an operation`;
  }
  const missing = ops.filter((op) => isDeterminate(op) && !order.includes(op.id));
  if (missing.length > 0) {
    return `order leaves out determinate operations ${missing.map((op) => op.id).join(', ')}`;
  }

  const placed = order.map((id) => byId.get(id));
  for (const [position, op] of placed.entries()) {
    if (op === undefined) {
      return `order names operation ${order[position]}, which is not in the history`;
    }
    const earlier = placed.slice(position + 1).find((later) => later !== undefined && isDeterminate(later) && (later.end as number) < op.start);
    if (earlier !== undefined) {
      return `operation ${op.id} is placed before operation ${earlier.id}, whose response came before the invocation of ${op.id}`;
    }
  }

  const initial = stateAfterCreation(referenceModel, creation);
  if (E.isLeft(initial)) {
    return initial.left;
  }
  let state: State = initial.right;
  for (const op of placed) {
    if (op === undefined) {
      continue;
    }
    const result = step(referenceModel, state, op.input);
    const outcome = E.isLeft(result) ? { kind: 'refused', refusal: result.left } : { kind: 'ok', output: result.right[1] };
    if (isDeterminate(op) && !isDeepStrictEqual(outcome, op.outcome)) {
      return `replaying operation ${op.id} gives ${JSON.stringify(outcome)}, but the history recorded ${JSON.stringify(op.outcome)}`;
    }
    if (E.isRight(result)) {
      state = result.right[0];
    }
  }
  return null;
};
