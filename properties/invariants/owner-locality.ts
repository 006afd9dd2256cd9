import { initialState, step as applyStep, type Input, type NodeId } from '../../model/index.ts';
import { ownerOfInput, sameValue, type Invariant, type Violation } from './invariant.ts';

export const ownerLocality: Invariant = {
  id: 'INV-08',
  name: 'owner-locality',
  statement:
    "Every operation reads and writes only its owner's shard, so the state decomposes by owner: running the history shard by shard, each owner's inputs alone from the initial state, gives the same result for every input as running it whole.",
  check: (trace, ops) => {
    const violations: Violation[] = [];

    for (const step of trace.steps) {
      if (step.input === null) {
        continue;
      }
      const owner = ownerOfInput(step.input);
      for (const node of trace.nodes) {
        if (node !== owner && !sameValue(step.before.nodes.get(node), step.after.nodes.get(node))) {
          violations.push({
            invariant: 'INV-08',
            step: step.index,
            message: `${step.input.op} on ${owner} changed the shard of ${node}`,
          });
        }
      }
    }

    const shards = new Map<NodeId, Array<{ readonly index: number; readonly input: Input }>>();
    for (const step of trace.steps) {
      if (step.input === null) {
        continue;
      }
      const owner = ownerOfInput(step.input);
      const shard = shards.get(owner) ?? [];
      shard.push({ index: step.index, input: step.input });
      shards.set(owner, shard);
    }

    for (const [owner, shard] of shards) {
      let state = initialState(trace.nodes);
      for (const { index, input } of shard) {
        const outcome = applyStep(ops, state, input);
        const whole = trace.steps[index]?.result;
        const alone = outcome._tag === 'Right' ? { _tag: 'Right', right: outcome.right[1] } : outcome;
        if (!sameValue(alone, whole)) {
          violations.push({
            invariant: 'INV-08',
            step: index,
            message: `${input.op} gave a different result when ${owner}'s shard ran alone`,
          });
        }
        if (outcome._tag === 'Right') {
          state = outcome.right[0];
        }
      }
    }
    return violations;
  },
};
