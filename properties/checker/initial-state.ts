/**
 * The model state right after an object's creation, built with the model's own operations.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  OBJECT_ID_PATTERN,
  initialState,
  invariant,
  ownerOf,
  withNode,
  type ModelOps,
  type State,
} from '../../model/index.ts';
import { formatRefusal } from '../history/format.ts';
import type { RecordedCreation } from './types.ts';

const serialOf = (creation: RecordedCreation): number => {
  const match = OBJECT_ID_PATTERN.exec(creation.object);
  const serial = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(serial)) {
    throw new TypeError(`invalid object id ${JSON.stringify(creation.object)} in a creation: expected <owner>/<serial>`);
  }
  if (ownerOf(creation.object) !== creation.owner) {
    throw new TypeError(`creation of ${creation.object} names owner ${creation.owner}: the owner is the id's part before the slash`);
  }
  return serial;
};

/**
 * Returns the state of a cluster whose only node is the owner, after the model's `create` of the
 * recorded value; Left with a reason when the model refuses the create or names another object.
 *
 * Serials come from every create the owner ran, including those of other objects and those without
 * a response, so the owner's entry starts with `nextSerial` set to the recorded serial rather than
 * replaying earlier creates. The owner's other objects are absent, which is sound because no
 * operation on one object reads another.
 */
export const stateAfterCreation = (model: ModelOps, creation: RecordedCreation): E.Either<string, State> => {
  const serial = serialOf(creation);
  const empty = initialState([creation.owner]);
  const node = empty.nodes.get(creation.owner);
  invariant(node !== undefined, `initialState([${creation.owner}]) has no entry for ${creation.owner}`);
  const primed = withNode(empty, creation.owner, { ...node, nextSerial: serial });

  const created = model.create(primed, { node: creation.owner, value: creation.value });
  if (E.isLeft(created)) {
    return E.left(`the model rejects the recorded create of ${creation.object} with ${formatRefusal(created.left)}, but the history recorded ok`);
  }
  const [state, output] = created.right;
  if (output.object !== creation.object) {
    return E.left(`the model's create on ${creation.owner} with next serial ${serial} returns ${output.object}, but the history recorded ${creation.object}`);
  }
  return E.right(state);
};
