import { formatCapability, ownerOf } from '../../model/index.ts';
import { heldBefore, probe, sameValue, type Invariant, type Violation } from './invariant.ts';

export const failureIsolation: Invariant = {
  id: 'INV-06',
  name: 'failure-isolation',
  statement:
    "A crash or restart of a node changes no other node's shard and no outcome on objects owned by other nodes.",
  check: (trace, ops) => {
    const violations: Violation[] = [];
    for (const step of trace.steps) {
      const input = step.input;
      if (input === null || (input.op !== 'crash' && input.op !== 'restart')) {
        continue;
      }
      for (const node of trace.nodes) {
        if (node !== input.node && !sameValue(step.before.nodes.get(node), step.after.nodes.get(node))) {
          violations.push({
            invariant: 'INV-06',
            step: step.index,
            message: `${input.op} of ${input.node} changed the shard of ${node}`,
          });
        }
      }
      for (const cap of heldBefore(trace, step)) {
        if (ownerOf(cap.object) === input.node) {
          continue;
        }
        const before = probe(ops, step.before, cap);
        const after = probe(ops, step.after, cap);
        if (before !== after) {
          violations.push({
            invariant: 'INV-06',
            step: step.index,
            message: `${input.op} of ${input.node} changed ${formatCapability(cap)} from ${before} to ${after}`,
          });
        }
      }
    }
    return violations;
  },
};
