/**
 * Splitting one campaign into partitions that run apart: on worker threads of one process, in
 * separate processes, or in separate CI jobs. Partition `p` of a campaign with seed `s` draws its
 * histories from its own seed, `partitionSeed(s, p)`, so a failure in any partition replays with
 * that seed alone. The runs are shared out as evenly as possible. Partition 0 keeps the campaign's
 * seed, so a campaign of one partition is exactly the unsplit campaign.
 */

export interface Partition {
  /** Index of the partition within the campaign, from 0. */
  readonly index: number;
  readonly seed: number;
  readonly runs: number;
}

/** Odd constant of the golden ratio in 32 bits; multiples of it spread consecutive indexes over the seed space. */
const GOLDEN_RATIO_32 = 0x9e3779b9;

/** Returns the seed of partition `index`: a 32-bit signed integer, equal to `seed` for partition 0. */
export const partitionSeed = (seed: number, index: number): number => (seed + Math.imul(index, GOLDEN_RATIO_32)) | 0;

/** Returns how many of `runs` histories partition `index` of `count` runs: the first `runs % count` partitions run one more. */
export const partitionRuns = (runs: number, index: number, count: number): number =>
  Math.floor(runs / count) + (index < runs % count ? 1 : 0);

/**
 * Lists the partitions one process runs. The campaign has `shardCount * workers` partitions; shard
 * `shard` (from 1 to `shardCount`, as CI job matrices count) runs the `workers` partitions from
 * `(shard - 1) * workers` on. Partitions without runs are left out.
 */
export const partitionsOf = (seed: number, runs: number, shard: number, shardCount: number, workers: number): Partition[] => {
  const count = shardCount * workers;
  return Array.from({ length: workers }, (_, worker) => (shard - 1) * workers + worker)
    .map((index) => ({ index, seed: partitionSeed(seed, index), runs: partitionRuns(runs, index, count) }))
    .filter((partition) => partition.runs > 0);
};
