import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionRuns, partitionSeed, partitionsOf } from '../../properties/distributed/partition.ts';

const seed = Number(process.env['SHARDCAP_SEED'] ?? 20261204);

describe('campaign partitions', () => {
  it('partition 0 keeps the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (campaignSeed) => partitionSeed(campaignSeed, 0) === campaignSeed),
      { seed },
    );
  });

  it('seeds are 32-bit and distinct per partition', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (campaignSeed) => {
        const seeds = Array.from({ length: 256 }, (_, index) => partitionSeed(campaignSeed, index));
        expect(new Set(seeds).size).toBe(seeds.length);
        expect(seeds.every((each) => Number.isInteger(each) && each >= -(2 ** 31) && each < 2 ** 31)).toBe(true);
      }),
      { seed },
    );
  });

  it('runs add up to the campaign', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.integer({ min: 1, max: 300 }), (runs, count) => {
        const shares = Array.from({ length: count }, (_, index) => partitionRuns(runs, index, count));
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(runs);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
      { seed },
    );
  });

  it('shards cover every partition once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), fc.nat({ max: 500 }), (shards, workers, runs) => {
        const all = Array.from({ length: shards }, (_, shard) => partitionsOf(7, runs, shard + 1, shards, workers)).flat();
        const indexes = all.map((partition) => partition.index);
        expect(new Set(indexes).size).toBe(indexes.length);
        expect(all.reduce((sum, partition) => sum + partition.runs, 0)).toBe(runs);
        expect(all.every((partition) => partition.runs > 0 && partition.seed === partitionSeed(7, partition.index))).toBe(true);
      }),
      { seed },
    );
  });

  it('one shard of one worker is the whole campaign', () => {
    expect(partitionsOf(-5, 1000, 1, 1, 1)).toEqual([{ index: 0, seed: -5, runs: 1000 }]);
  });
});
