import * as E from 'fp-ts/lib/Either.js';
import { ROOT_SLOT, incarnationKey, type Capability, type Revoker } from '../capability.ts';
import { liveNode } from '../guard.ts';
import { objectId, type NodeId, type ObjectId } from '../ids.ts';
import { VALUE_LENGTH_MAX } from '../limits.ts';
import { valueTooLarge, type Refusal } from '../refusal.ts';
import { ALL_RIGHTS } from '../rights.ts';
import { withNode, type State } from '../state.ts';

export interface CreateInput {
  readonly node: NodeId;
  readonly value: string;
}

export interface CreateOutput {
  readonly object: ObjectId;
  /** Root capability: the root slot at version 0 with every right. */
  readonly cap: Capability;
  readonly revoker: Revoker;
}

/**
 * Creates an object on `node`, which becomes its owner, holding `value`. The object gets the next
 * serial of that node, a root slot at version 0, and a minted root capability with every right.
 * Refused when the node is unknown or crashed, or the value is too long.
 */
export const create = (state: State, input: CreateInput): E.Either<Refusal, readonly [State, CreateOutput]> => {
  const owner = liveNode(state, input.node);
  if (E.isLeft(owner)) {
    return owner;
  }
  if (input.value.length > VALUE_LENGTH_MAX) {
    return E.left(valueTooLarge(input.value.length, VALUE_LENGTH_MAX));
  }

  const object = objectId(input.node, owner.right.nextSerial);
  const objects = new Map(owner.right.objects);
  objects.set(object, {
    value: input.value,
    slots: [{ version: 0, depth: 0, parent: null }],
    free: [],
    minted: new Map([[incarnationKey(ROOT_SLOT, 0), ALL_RIGHTS]]),
  });
  const next = withNode(state, input.node, { ...owner.right, nextSerial: owner.right.nextSerial + 1, objects });

  const cap: Capability = { object, slot: ROOT_SLOT, version: 0, rights: ALL_RIGHTS, caveats: [] };
  const revoker: Revoker = { object, slot: ROOT_SLOT, version: 0 };
  return E.right([next, { object, cap, revoker }] as const);
};
