import { formatCapability } from '../../model/index.ts';
import { probe, type Invariant, type Violation } from './invariant.ts';

export const revocationPermanent: Invariant = {
  id: 'INV-04',
  name: 'revocation-permanent',
  statement:
    'Once a capability is refused as Revoked it is never accepted again: after every later step, crashes and restarts included, it is refused as Revoked, or as OwnerUnavailable while its owner is down.',
  check: (trace, ops) => {
    const violations: Violation[] = [];
    const revokedIndices = new Set<number>();
    for (const step of trace.steps) {
      trace.capabilities.forEach((cap, index) => {
        if (index >= step.capabilitiesHeld && !revokedIndices.has(index)) {
          return;
        }
        const outcome = probe(ops, step.after, cap);
        if (revokedIndices.has(index)) {
          if (outcome !== 'Revoked' && outcome !== 'OwnerUnavailable') {
            violations.push({
              invariant: 'INV-04',
              step: step.index,
              message: `${formatCapability(cap)} was revoked earlier but now gives ${outcome}`,
            });
          }
        } else if (outcome === 'Revoked') {
          revokedIndices.add(index);
        }
      });
    }
    return violations;
  },
};
