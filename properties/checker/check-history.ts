/** The linearizability check of a whole history, one object at a time. */
import { referenceModel, type ModelOps, type ObjectId } from '../../model/index.ts';
import { checkObject } from './check-object.ts';
import type { HistoryVerdict, ObjectVerdict, RecordedHistory, RecordedOp, Verdict } from './types.ts';

const overallVerdict = (verdicts: Iterable<ObjectVerdict>): Verdict => {
  const kinds = new Set([...verdicts].map((verdict) => verdict.verdict));
  if (kinds.has('violation')) {
    return 'violation';
  }
  return kinds.has('unknown') ? 'unknown' : 'linearizable';
};

/**
 * Checks every object of `history` on its own, which is sound because each object has exactly one
 * owner and no operation on one object reads or changes another. `budget` applies to each object
 * separately. Throws TypeError on a malformed history, including two creations of one object.
 */
export const checkHistory = (history: RecordedHistory, budget: number, model: ModelOps = referenceModel): HistoryVerdict => {
  const opsByObject = new Map<ObjectId, RecordedOp[]>();
  for (const creation of history.creations) {
    if (opsByObject.has(creation.object)) {
      throw new TypeError(`object ${creation.object} has two recorded creations: record each create once`);
    }
    opsByObject.set(creation.object, []);
  }

  const ids = new Set<number>();
  const unchecked: number[] = [];
  for (const op of history.ops) {
    if (ids.has(op.id)) {
      throw new TypeError(`operation id ${op.id} appears twice: give every recorded operation a distinct id`);
    }
    ids.add(op.id);
    const ops = opsByObject.get(op.object);
    if (ops === undefined) {
      unchecked.push(op.id);
    } else {
      ops.push(op);
    }
  }

  const objects = new Map<ObjectId, ObjectVerdict>();
  for (const creation of history.creations) {
    objects.set(creation.object, checkObject(creation, opsByObject.get(creation.object) ?? [], budget, model));
  }
  return { verdict: overallVerdict(objects.values()), objects, unchecked };
};
