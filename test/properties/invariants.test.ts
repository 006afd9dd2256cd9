import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OP_NAMES, REFUSAL_TAGS, referenceModel } from '../../model/index.ts';
import { assertProperty, defaultSeed } from '../../properties/check.ts';
import { historyArbitrary } from '../../properties/history/arbitrary.ts';
import { runHistory } from '../../properties/history/run.ts';
import { INVARIANTS } from '../../properties/invariants/index.ts';
import { invariantProperty } from './history-property.ts';

const FILE = 'test/properties/invariants.test.ts';
const RUNS = 500;

describe('invariants hold on the reference model', () => {
  for (const invariant of INVARIANTS) {
    it(`${invariant.id} ${invariant.name}`, () => {
      assertProperty(`${invariant.id} ${invariant.name}`, FILE, invariantProperty(referenceModel, invariant), RUNS);
    });
  }

  it('ten invariants with distinct ids', () => {
    expect(INVARIANTS).toHaveLength(10);
    expect(new Set(INVARIANTS.map((invariant) => invariant.id)).size).toBe(10);
  });
});

describe('history generator coverage', () => {
  // A property suite is vacuous when its histories never reach the interesting outcomes, so the
  // same generator, seed and run count must produce every operation succeeding and every refusal
  // the histories can reach.
  it('reaches every operation and refusal', () => {
    const outcomes = new Set<string>();
    const samples = fc.sample(historyArbitrary(), { seed: defaultSeed('coverage'), numRuns: RUNS });
    for (const history of samples) {
      for (const step of runHistory(referenceModel, history).steps) {
        if (step.input === null || step.result === null) {
          continue;
        }
        outcomes.add(E.isLeft(step.result) ? step.result.left._tag : `${step.input.op}:ok`);
      }
    }
    for (const op of OP_NAMES) {
      expect(outcomes, `${op} never succeeded`).toContain(`${op}:ok`);
    }
    const unreachable = new Set(['SlotsExhausted']);
    for (const tag of REFUSAL_TAGS.filter((tag) => !unreachable.has(tag))) {
      expect(outcomes, `${tag} never returned`).toContain(tag);
    }
  });
});
