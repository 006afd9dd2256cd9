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
  // The search calls this at every node, so it uses plain loops and allocates little.
  let earliestEnd = Infinity;
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index] as SearchOp;
    if (op.expected !== null && op.end < earliestEnd && !placement.isPlaced(index)) {
      earliestEnd = op.end;
    }
  }
  const clientsEndingThen: string[] = [];
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index] as SearchOp;
    if (op.expected !== null && op.end === earliestEnd && !placement.isPlaced(index) && !clientsEndingThen.includes(op.recorded.client)) {
      clientsEndingThen.push(op.recorded.client);
    }
  }

  const candidates: number[] = [];
  let indeterminateInputs: Set<string> | undefined;
  for (const index of order) {
    const op = ops[index] as SearchOp;
    if (placement.isPlaced(index) || op.start > earliestEnd) {
      continue;
    }
    if (op.start === earliestEnd && op.end !== earliestEnd && clientsEndingThen.includes(op.recorded.client)) {
      continue;
    }
    if (op.expected !== null) {
      candidates.push(index);
      continue;
    }
    const key = inputKeys[index] as string;
    indeterminateInputs ??= new Set<string>();
    if (!indeterminateInputs.has(key)) {
      indeterminateInputs.add(key);
      candidates.push(index);
    }
  }
  return candidates;
};
