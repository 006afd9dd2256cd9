import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSeed } from '../../properties/check.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import { MODEL_VARIANTS } from '../../properties/model-variants.ts';
import { invariantProperty } from './history-property.ts';

/** Histories each broken variant gets to show a counterexample in. */
const BUDGET = 1000;

describe('each invariant fails on a broken model', () => {
  it('every invariant has a variant', () => {
    const broken = new Set(MODEL_VARIANTS.map((variant) => variant.breaks));
    for (const invariant of INVARIANTS) {
      expect(broken, `no variant breaks ${invariant.id}`).toContain(invariant.id);
    }
  });

  for (const variant of MODEL_VARIANTS) {
    const invariant = INVARIANTS.find((candidate) => candidate.id === variant.breaks);
    it(`${variant.breaks} catches ${variant.name}`, () => {
      expect(invariant).toBeDefined();
      if (invariant === undefined) {
        return;
      }
      const details = fc.check(invariantProperty(variant.ops, invariant), {
        seed: defaultSeed(variant.name),
        numRuns: BUDGET,
      });
      expect(details.failed, `${variant.name} survived ${BUDGET} histories`).toBe(true);
      expect(String(details.errorInstance)).toContain(`${invariant.id} ${invariant.name} violated`);
    });
  }
});
