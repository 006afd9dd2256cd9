import fc from 'fast-check';
import type { ModelOps } from '../../model/index.ts';
import { historyArbitrary, type HistoryOptions } from '../../properties/history/arbitrary.ts';
import { formatTrace } from '../../properties/history/format.ts';
import { runHistory } from '../../properties/history/run.ts';
import type { Invariant } from '../../properties/invariants/index.ts';

/** A property over random histories: the invariant finds no violation in the recorded trace. */
export const invariantProperty = (ops: ModelOps, invariant: Invariant, options: HistoryOptions = {}) =>
  fc.property(historyArbitrary(options), (history) => {
    const trace = runHistory(ops, history);
    const violations = invariant.check(trace, ops);
    if (violations.length > 0) {
      const listed = violations
        .slice(0, 5)
        .map((violation) => `  step ${violation.step}: ${violation.message}`)
        .join('\n');
      throw new Error(`${invariant.id} ${invariant.name} violated:\n${listed}\n${formatTrace(trace)}`);
    }
  });
