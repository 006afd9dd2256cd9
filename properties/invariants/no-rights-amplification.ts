import * as E from 'fp-ts/lib/Either.js';
import { effectiveRights, formatRights, hasRight, isSubset } from '../../model/index.ts';
import type { Invariant, Violation } from './invariant.ts';

export const noRightsAmplification: Invariant = {
  id: 'INV-01',
  name: 'no-rights-amplification',
  statement:
    'A capability obtained by attenuate or derive never has a right its parent lacks, and an invoke succeeds only with a right the capability holds.',
  check: (trace) => {
    const violations: Violation[] = [];
    for (const step of trace.steps) {
      const input = step.input;
      if (input === null || step.result === null || E.isLeft(step.result)) {
        continue;
      }
      const output = step.result.right;
      const report = (message: string): void => {
        violations.push({ invariant: 'INV-01', step: step.index, message });
      };

      if ((input.op === 'attenuate' || input.op === 'derive') && (output.op === 'attenuate' || output.op === 'derive')) {
        const parent = effectiveRights(input.cap);
        const child = effectiveRights(output.cap);
        if (!isSubset(child, parent)) {
          report(`${input.op} turned rights ${formatRights(parent)} into ${formatRights(child)}`);
        }
      }
      if (input.op === 'invoke') {
        const right = input.action.kind;
        if (!hasRight(effectiveRights(input.cap), right)) {
          report(`invoke ${right} succeeded with rights ${formatRights(effectiveRights(input.cap))}`);
        }
      }
    }
    return violations;
  },
};
