/** Compares the model's result for an operation with the outcome a history recorded. */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import type { StepResult } from '../../model/index.ts';
import { formatOutput, formatRefusal } from '../history/format.ts';
import type { Expected } from './search-op.ts';

/**
 * Returns whether the model's result reproduces the recorded outcome: the same output, including
 * every field of a derived capability and revoker, or the same refusal.
 */
export const reproduces = (result: StepResult, expected: NonNullable<Expected>): boolean => {
  if (expected.kind === 'ok') {
    return E.isRight(result) && isDeepStrictEqual(result.right[1], expected.output);
  }
  return E.isLeft(result) && isDeepStrictEqual(result.left, expected.refusal);
};

export const describeResult = (result: StepResult): string =>
  E.isLeft(result) ? `refused ${formatRefusal(result.left)}` : `ok ${formatOutput(result.right[1])}`;

export const describeExpected = (expected: Expected): string => {
  if (expected === null) {
    return 'indeterminate';
  }
  return expected.kind === 'ok' ? `ok ${formatOutput(expected.output)}` : `refused ${formatRefusal(expected.refusal)}`;
};
