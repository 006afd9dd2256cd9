import * as E from 'fp-ts/lib/Either.js';
import { formatCapability, formatRevoker, ownerOf } from '../../model/index.ts';
import { isGenuine, isGenuineRevoker } from '../oracle.ts';
import { isUp, probe, type Invariant, type Violation } from './invariant.ts';

export const unforgeability: Invariant = {
  id: 'INV-10',
  name: 'unforgeability',
  statement:
    'Only what the owner minted works: every successful invoke or derive used a minted capability and every successful revoke a minted revoker, and at the end every capability that was never minted is refused as Forged while its owner is up.',
  check: (trace, ops) => {
    const violations: Violation[] = [];
    for (const step of trace.steps) {
      const input = step.input;
      if (input === null || step.result === null || E.isLeft(step.result)) {
        continue;
      }
      if ((input.op === 'invoke' || input.op === 'derive') && !isGenuine(step.oracle, input.cap)) {
        violations.push({
          invariant: 'INV-10',
          step: step.index,
          message: `${input.op} accepted ${formatCapability(input.cap)}, which was never minted`,
        });
      }
      if (input.op === 'revoke' && !isGenuineRevoker(step.oracle, input.revoker)) {
        violations.push({
          invariant: 'INV-10',
          step: step.index,
          message: `revoke accepted ${formatRevoker(input.revoker)}, which was never minted`,
        });
      }
    }

    const last = trace.steps.length - 1;
    const final = trace.steps[last]?.after ?? trace.initial;
    for (const cap of trace.capabilities) {
      if (isGenuine(trace.finalOracle, cap) || !isUp(final, ownerOf(cap.object))) {
        continue;
      }
      const outcome = probe(ops, final, cap);
      if (outcome !== 'Forged') {
        violations.push({
          invariant: 'INV-10',
          step: last,
          message: `${formatCapability(cap)} was never minted but gives ${outcome}`,
        });
      }
    }
    return violations;
  },
};
