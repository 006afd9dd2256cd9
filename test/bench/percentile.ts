/** Percentiles of latency samples. */
import { invariant } from '../../model/index.ts';

/** Returns the `quantile` (from 0 to 1) of `values` by the nearest-rank method: the smallest
 * sample that at least that share of the samples does not exceed. */
export const percentile = (values: ReadonlyArray<number>, quantile: number): number => {
  invariant(values.length > 0, 'percentile of an empty list');
  invariant(quantile >= 0 && quantile <= 1, `quantile ${quantile} is outside 0 to 1`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[rank - 1] as number;
};
