/**
 * Checks a recorded operation and turns it into the form the search works on. A malformed
 * operation is a bug in the recorder, not an outcome of the system under test, so it throws.
 */
import type { ObjectId, Output, Refusal } from '../../model/index.ts';
import type { ObjectInput, RecordedOp } from './types.ts';

/** The outcome an operation must reproduce; `null` for an indeterminate one. */
export type Expected =
  | { readonly kind: 'ok'; readonly output: Output }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | null;

export interface SearchOp {
  readonly recorded: RecordedOp;
  readonly expected: Expected;
  readonly start: number;
  /**
   * Latest time the operation can take effect, in ms: its response time when determinate, and
   * `Infinity` when indeterminate, because a request can reach the owner after its client gave up.
   */
  readonly end: number;
}

export const inputObject = (input: ObjectInput): ObjectId => (input.op === 'revoke' ? input.revoker.object : input.cap.object);

const describe = (op: RecordedOp): string => `operation ${op.id} (client ${JSON.stringify(op.client)})`;

const validate = (op: RecordedOp, object: ObjectId): void => {
  if (op.object !== object) {
    throw new TypeError(`${describe(op)} is on ${op.object}, not on ${object}: check only the operations of one object together`);
  }
  if (!['derive', 'revoke', 'invoke'].includes(op.input.op)) {
    throw new TypeError(`${describe(op)} has input ${JSON.stringify(op.input.op)}: record only derive, revoke and invoke`);
  }
  if (inputObject(op.input) !== op.object) {
    throw new TypeError(`${describe(op)} is recorded on ${op.object} but its input names ${inputObject(op.input)}`);
  }
  if (!Number.isFinite(op.start)) {
    throw new TypeError(`${describe(op)} has start ${op.start}: expected a finite time in ms`);
  }
  if (op.end !== null && !(Number.isFinite(op.end) && op.end >= op.start)) {
    throw new TypeError(`${describe(op)} has end ${op.end} before its start ${op.start}: expected a finite time no earlier than start`);
  }
  if (op.end === null && op.outcome.kind !== 'indeterminate') {
    throw new TypeError(`${describe(op)} has outcome ${op.outcome.kind} but no end: record the time the response arrived`);
  }
};

/**
 * Returns the outcome to reproduce. A crashed owner sends no response, so the model's
 * OwnerUnavailable never shows in a search where the owner is always up. An operation recorded
 * with that refusal is as uncertain as one without a response.
 */
const expectedOf = (op: RecordedOp): Expected => {
  const outcome = op.outcome;
  switch (outcome.kind) {
    case 'ok':
      return { kind: 'ok', output: outcome.output };
    case 'refused':
      return outcome.refusal._tag === 'OwnerUnavailable' ? null : { kind: 'refused', refusal: outcome.refusal };
    case 'indeterminate':
      return null;
  }
};

/** Validates every operation of `object` and converts it; throws TypeError on a malformed one. */
export const toSearchOps = (object: ObjectId, ops: ReadonlyArray<RecordedOp>): ReadonlyArray<SearchOp> => {
  const ids = new Set<number>();
  return ops.map((op) => {
    validate(op, object);
    if (ids.has(op.id)) {
      throw new TypeError(`operation id ${op.id} appears twice: give every recorded operation a distinct id`);
    }
    ids.add(op.id);

    const expected = expectedOf(op);
    const end = expected === null || op.end === null ? Infinity : op.end;
    return { recorded: op, expected, start: op.start, end };
  });
};
