/** The operations the search may place next, in the order it tries them. */
import type { Placement } from './placement.ts';
import type { SearchOp } from './search-op.ts';

/**
 * Returns the indices of `ops` in the order the search tries them, a heuristic that changes the
 * time to a verdict but never the verdict. Determinate operations come first, by response time, so
 * a history that is already sequential is checked without backtracking. Indeterminate operations
 * follow, the latest invoked first, because the effect a determinate outcome is missing most often
 * comes from the most recent request.
 */
export const tryOrder = (ops: ReadonlyArray<SearchOp>): ReadonlyArray<number> =>
  ops
    .map((_, index) => index)
    .sort((a, b) => {
      const opA = ops[a] as SearchOp;
      const opB = ops[b] as SearchOp;
      if (opA.expected === null && opB.expected === null) {
        return opB.start - opA.start || b - a;
      }
      const determinate = Number(opA.expected === null) - Number(opB.expected === null);
      return determinate !== 0 ? determinate : opA.end - opB.end || opA.start - opB.start || a - b;
    });

/**
 * Returns the unplaced operations that may go next, in `order`. An operation may go next unless
 * some unplaced determinate operation responded before its invocation, or responded at the same
 * time to the same client: a client sends its next request only after it got the previous answer,
 * so its operations stay in program order even when the clock did not move between them. Of indeterminate
 * candidates with equal inputs, such as a client's retries, only the one invoked last is returned.
 * Placing an earlier one instead would leave the later one unplaced, and from then on the later
 * one can go wherever the earlier one could and has the same effect there.
 */
export const candidatesAt = (
  ops: ReadonlyArray<SearchOp>,
  order: ReadonlyArray<number>,
  inputKeys: ReadonlyArray<string>,
  placement: Placement,
): ReadonlyArray<number> => {
  let earliestEnd = Infinity;
  const clientsEndingThen = new Set<string>();
  for (const [index, op] of ops.entries()) {
    if (placement.isPlaced(index) || op.expected === null) {
      continue;
    }
    if (op.end < earliestEnd) {
      earliestEnd = op.end;
      clientsEndingThen.clear();
    }
    if (op.end === earliestEnd) {
      clientsEndingThen.add(op.recorded.client);
    }
  }

  const indeterminateInputs = new Set<string>();
  return order.filter((index) => {
    const op = ops[index] as SearchOp;
    if (placement.isPlaced(index) || op.start > earliestEnd) {
      return false;
    }
    if (op.start === earliestEnd && clientsEndingThen.has(op.recorded.client) && op.end !== earliestEnd) {
      return false;
    }
    if (op.expected !== null) {
      return true;
    }
    const key = inputKeys[index] as string;
    const isFirst = !indeterminateInputs.has(key);
    indeterminateInputs.add(key);
    return isFirst;
  });
};
