import { formatCapability } from '../../model/index.ts';
import { incarnationOf, lineageOf } from '../oracle.ts';
import { heldBefore, probe, succeeded, type Invariant, type Violation } from './invariant.ts';

export const revocationSelective: Invariant = {
  id: 'INV-03',
  name: 'revocation-selective',
  statement:
    'A revoke changes the outcome of no capability whose chain does not pass through the revoked slot incarnation: no collateral revocation.',
  check: (trace, ops) => {
    const violations: Violation[] = [];
    for (const { step, input } of succeeded(trace, 'revoke')) {
      const revokedIncarnation = incarnationOf(input.revoker);
      for (const cap of heldBefore(trace, step)) {
        const lineage = lineageOf(step.oracle, cap);
        if (lineage !== undefined && lineage.includes(revokedIncarnation)) {
          continue;
        }
        const before = probe(ops, step.before, cap);
        const after = probe(ops, step.after, cap);
        if (before !== after) {
          violations.push({
            invariant: 'INV-03',
            step: step.index,
            message: `revoking ${revokedIncarnation} changed ${formatCapability(cap)} from ${before} to ${after}`,
          });
        }
      }
    }
    return violations;
  },
};
