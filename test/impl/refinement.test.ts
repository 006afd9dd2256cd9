import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertProperty } from '../../properties/check.ts';
import { historyArbitrary } from '../../properties/history/arbitrary.ts';
import { runRefinement } from '../../properties/refinement.ts';

const FILE = 'test/impl/refinement.test.ts';

describe('implementation refines the model', () => {
  it('same results operation by operation', async () => {
    let checkedSteps = 0;
    await assertProperty(
      'refinement',
      FILE,
      fc.asyncProperty(historyArbitrary({ commandCountMax: 60 }), fc.integer(), async (history, seed) => {
        const run = await runRefinement(history, { seed });
        checkedSteps += run.steps;
        if (run.mismatches.length > 0) {
          const first = run.mismatches[0];
          throw new Error(
            `step ${first?.step}: ${first?.input}\n  model: ${first?.model}\n  impl:  ${first?.impl}`,
          );
        }
      }),
      150,
    );
    expect(checkedSteps).toBeGreaterThan(1000);
  });

  it('same seed gives the same simulator trace', async () => {
    const history = fc.sample(historyArbitrary({ commandCountMax: 60 }), { seed: 42, numRuns: 1 })[0];
    expect(history).toBeDefined();
    if (history === undefined) {
      return;
    }
    const first = await runRefinement(history, { seed: 7, clients: 3 });
    const second = await runRefinement(history, { seed: 7, clients: 3 });
    const other = await runRefinement(history, { seed: 8, clients: 3 });
    expect(second.traceHash).toBe(first.traceHash);
    expect(other.traceHash).not.toBe(first.traceHash);
  });
});
