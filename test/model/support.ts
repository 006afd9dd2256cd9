/** Helpers for the model's example tests. */
import * as E from 'fp-ts/lib/Either.js';
import type { Refusal, State } from '../../model/index.ts';

/**
 * Returns the next state and the output of an operation that is expected to succeed. Throws with
 * the refusal when it was refused, so that a setup step that goes wrong names the reason.
 */
export const succeeded = <O>(result: E.Either<Refusal, readonly [State, O]>): readonly [State, O] => {
  if (E.isLeft(result)) {
    throw new Error(`expected the operation to succeed, but it was refused with ${JSON.stringify(result.left)}`);
  }
  return result.right;
};
