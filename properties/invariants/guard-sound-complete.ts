import * as E from 'fp-ts/lib/Either.js';
import { formatCapability } from '../../model/index.ts';
import { expectedOutcome } from '../oracle.ts';
import type { Invariant, Violation } from './invariant.ts';

export const guardSoundComplete: Invariant = {
  id: 'INV-05',
  name: 'guard-sound-complete',
  statement:
    'An invoke, derive or revoke succeeds exactly when the oracle says it should: the capability was minted, no incarnation on its chain was revoked, it holds the right, and the owner is up. Otherwise it is refused with the refusal the oracle names, and a read returns the last value written.',
  check: (trace) => {
    const violations: Violation[] = [];
    for (const step of trace.steps) {
      const input = step.input;
      if (input === null || step.result === null) {
        continue;
      }
      if (input.op !== 'invoke' && input.op !== 'derive' && input.op !== 'revoke') {
        continue;
      }
      const expected = expectedOutcome(step.oracle, input);
      const observedTag = E.isLeft(step.result) ? step.result.left._tag : 'ok';
      const subject = input.op === 'revoke' ? `revoke of ${input.revoker.object}#${input.revoker.slot}@${input.revoker.version}` : `${input.op} with ${formatCapability(input.cap)}`;
      if (observedTag !== expected.tag) {
        violations.push({
          invariant: 'INV-05',
          step: step.index,
          message: `${subject} gave ${observedTag}, expected ${expected.tag}`,
        });
        continue;
      }
      if (E.isRight(step.result) && step.result.right.op === 'invoke' && 'value' in expected) {
        const result = step.result.right.result;
        const value = result.kind === 'read' ? result.value : undefined;
        if (value !== expected.value) {
          violations.push({
            invariant: 'INV-05',
            step: step.index,
            message: `${subject} read ${JSON.stringify(value)}, expected ${JSON.stringify(expected.value)}`,
          });
        }
      }
    }
    return violations;
  },
};
