import { formatCapability, ownerOf } from '../../model/index.ts';
import { incarnationOf, lineageOf } from '../oracle.ts';
import { heldBefore, isUp, probe, succeeded, type Invariant, type Violation } from './invariant.ts';

export const revocationComplete: Invariant = {
  id: 'INV-02',
  name: 'revocation-complete',
  statement:
    'Right after a revoke, every capability whose chain passes through the revoked slot incarnation, however deep and however attenuated, is refused as Revoked.',
  check: (trace, ops) => {
    const violations: Violation[] = [];
    for (const { step, input } of succeeded(trace, 'revoke')) {
      const revokedIncarnation = incarnationOf(input.revoker);
      for (const cap of heldBefore(trace, step)) {
        const lineage = lineageOf(step.oracle, cap);
        if (lineage === undefined || !lineage.includes(revokedIncarnation) || !isUp(step.after, ownerOf(cap.object))) {
          continue;
        }
        const outcome = probe(ops, step.after, cap);
        if (outcome !== 'Revoked') {
          violations.push({
            invariant: 'INV-02',
            step: step.index,
            message: `after revoking ${revokedIncarnation}, ${formatCapability(cap)} gave ${outcome} instead of Revoked`,
          });
        }
      }
    }
    return violations;
  },
};
