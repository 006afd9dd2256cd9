import * as E from 'fp-ts/lib/Either.js';
import { formatCapability, ownerOf } from '../../model/index.ts';
import { heldBefore, probe, sameValue, type Invariant, type Violation } from './invariant.ts';

export const durability: Invariant = {
  id: 'INV-07',
  name: 'durability',
  statement:
    'A crash followed by a restart restores every object of the node exactly: value, slots, versions and minted capabilities, so every capability reads as it did before the crash.',
  check: (trace, ops) => {
    const violations: Violation[] = [];
    trace.steps.forEach((crashStep, crashIndex) => {
      const crash = crashStep.input;
      if (crash === null || crash.op !== 'crash' || crashStep.result === null || E.isLeft(crashStep.result)) {
        return;
      }
      const restartStep = trace.steps.find(
        (later, laterIndex) =>
          laterIndex > crashIndex &&
          later.input !== null &&
          later.input.op === 'restart' &&
          later.input.node === crash.node &&
          later.result !== null &&
          E.isRight(later.result),
      );
      if (restartStep === undefined) {
        return;
      }
      const before = crashStep.before.nodes.get(crash.node)?.objects;
      const after = restartStep.after.nodes.get(crash.node)?.objects;
      if (!sameValue(before, after)) {
        violations.push({
          invariant: 'INV-07',
          step: restartStep.index,
          message: `restart of ${crash.node} did not restore the objects it had before the crash at step ${crashStep.index}`,
        });
      }
      for (const cap of heldBefore(trace, crashStep)) {
        if (ownerOf(cap.object) !== crash.node) {
          continue;
        }
        const was = probe(ops, crashStep.before, cap);
        const is = probe(ops, restartStep.after, cap);
        if (was !== is) {
          violations.push({
            invariant: 'INV-07',
            step: restartStep.index,
            message: `${formatCapability(cap)} gave ${was} before the crash and ${is} after the restart`,
          });
        }
      }
    });
    return violations;
  },
};
