import { describe, expect, it } from 'vitest';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { defaultSeed } from '../../properties/check.ts';
import { runCampaign } from '../../properties/distributed/campaign.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import { MUTANTS, type Mutant } from '../../properties/mutants.ts';

/** Histories each mutant gets; the reference must pass the same number. */
const BUDGET = 300;

const campaign = (mutant: Mutant | undefined, seed: number) =>
  runCampaign({
    system: (history: DistributedHistory) => referenceSystemFor(history, mutant),
    runs: BUDGET,
    seed,
    generator: {},
    budget: 100_000,
  });

describe('checker against the reference and its mutants', () => {
  it('reference passes the budget', async () => {
    const seed = Number(process.env['SHARDCAP_SEED'] ?? defaultSeed('reference campaign'));
    const result = await campaign(undefined, seed);
    const failure = result.failure;
    expect(failure, failure === null ? '' : `violation with seed ${failure.seed} path ${failure.path}`).toBeNull();
    expect(result.stats.histories).toBe(BUDGET);
    expect(result.stats.unknown).toBe(0);
    expect(result.stats.faults.crash).toBeGreaterThan(0);
    expect(result.stats.faults.partition).toBeGreaterThan(0);
    expect(result.stats.faults.disk).toBeGreaterThan(0);
  });

  it('at least eight mutants', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(MUTANTS.map((mutant) => mutant.name)).size).toBe(MUTANTS.length);
  });

  for (const mutant of MUTANTS) {
    it(`catches ${mutant.name}`, async () => {
      const result = await campaign(mutant, defaultSeed(mutant.name));
      expect(result.failure, `${mutant.name} survived ${BUDGET} histories`).not.toBeNull();
    });
  }
});
