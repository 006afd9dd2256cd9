/** The linearizability check of one object's recorded operations against the model. */
import * as E from 'fp-ts/lib/Either.js';
import { findObject, referenceModel, type ModelOps } from '../../model/index.ts';
import { formatInput } from '../history/format.ts';
import { describeExpected, describeResult } from './outcome-match.ts';
import { searchLinearization, type Blocked } from './search.ts';
import { toSearchOps, type SearchOp } from './search-op.ts';
import { stateAfterCreation } from './initial-state.ts';
import type { ObjectVerdict, RecordedCreation, RecordedOp } from './types.ts';

const validateBudget = (budget: number): void => {
  if (!Number.isSafeInteger(budget) || budget < 1) {
    throw new TypeError(`invalid search budget ${budget}: expected a positive integer number of search nodes`);
  }
};

const describeOp = (op: SearchOp): string => {
  const recorded = op.recorded;
  const response = recorded.end === null ? 'no response' : `response at ${recorded.end.toFixed(3)} ms`;
  return `operation ${recorded.id} (client ${JSON.stringify(recorded.client)}, ${formatInput(recorded.input)}, invoked at ${recorded.start.toFixed(3)} ms, ${response})`;
};

/** Longest value a reason prints in full; a longer one shows its start and its length. */
const REASON_VALUE_SHOWN_MAX = 40;

const showValue = (value: string | undefined): string =>
  value === undefined || value.length <= REASON_VALUE_SHOWN_MAX
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, REASON_VALUE_SHOWN_MAX - 8))}... (${value.length} characters)`;

const violationReason = (ops: ReadonlyArray<SearchOp>, prefix: ReadonlyArray<number>, blocked: Blocked): string => {
  const op = ops[blocked.index] as SearchOp;
  const value = findObject(blocked.state, op.recorded.object)?.value;
  return (
    `no linearization places ${describeOp(op)}. After the prefix [${prefix.join(', ')}], which places the most ` +
    `determinate operations of any order found, the object holds ${showValue(value)} and the model returns ` +
    `${describeResult(blocked.result)}, but the history recorded ${describeExpected(op.expected)}`
  );
};

/**
 * Checks that the operations on one object are linearizable with respect to `model`: that some
 * order consistent with real time, starting from the state right after `creation`, reproduces
 * every determinate outcome. Indeterminate operations, and those refused with OwnerUnavailable,
 * may take effect at any point after their invocation, or never. A search that visits `budget`
 * search nodes without a decision returns `unknown`. Throws TypeError on a malformed history.
 *
 * NOTE: the creation is placed before every operation and its own interval is not checked, because
 * no client has a token for the object before its create returns.
 */
export const checkObject = (
  creation: RecordedCreation,
  ops: ReadonlyArray<RecordedOp>,
  budget: number,
  model: ModelOps = referenceModel,
): ObjectVerdict => {
  validateBudget(budget);
  const searchOps = toSearchOps(creation.object, ops);
  const initial = stateAfterCreation(model, creation);
  if (E.isLeft(initial)) {
    return { verdict: 'violation', reason: initial.left, longestPrefix: [], mismatch: null, explored: 0 };
  }

  const idOf = (index: number): number => (searchOps[index] as SearchOp).recorded.id;
  const result = searchLinearization(model, initial.right, searchOps, budget);
  switch (result.kind) {
    case 'found':
      return { verdict: 'linearizable', order: result.order.map(idOf), explored: result.explored };
    case 'budget':
      return { verdict: 'unknown', explored: result.explored };
    case 'exhausted': {
      const longestPrefix = result.blocked.prefix.map(idOf);
      const op = searchOps[result.blocked.index] as SearchOp;
      return {
        verdict: 'violation',
        reason: violationReason(searchOps, longestPrefix, result.blocked),
        longestPrefix,
        mismatch: { op: op.recorded.id, model: describeResult(result.blocked.result), observed: describeExpected(op.expected) },
        explored: result.explored,
      };
    }
  }
};
