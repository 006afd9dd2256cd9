import * as E from 'fp-ts/lib/Either.js';
import { effectiveRights, type Capability } from '../capability.ts';
import { guard } from '../guard.ts';
import { VALUE_LENGTH_MAX } from '../limits.ts';
import { missingRight, valueTooLarge, type Refusal } from '../refusal.ts';
import { hasRight } from '../rights.ts';
import { withObject, type State } from '../state.ts';

export type Action = { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: string };

export interface InvokeInput {
  readonly cap: Capability;
  readonly action: Action;
}

export type InvokeOutput = { readonly kind: 'read'; readonly value: string } | { readonly kind: 'write' };

/**
 * The guard and the use in one step: checks the capability at the owner (live owner, minted,
 * chain valid, right held) and, when every check passes, reads or writes the object's value.
 */
export const invoke = (state: State, input: InvokeInput): E.Either<Refusal, readonly [State, InvokeOutput]> => {
  const checked = guard(state, input.cap);
  if (E.isLeft(checked)) {
    return checked;
  }
  const held = effectiveRights(input.cap);
  const action = input.action;
  const entry = checked.right.entry;

  if (action.kind === 'read') {
    if (!hasRight(held, 'read')) {
      return E.left(missingRight('read', held));
    }
    return E.right([state, { kind: 'read', value: entry.value }] as const);
  }

  if (!hasRight(held, 'write')) {
    return E.left(missingRight('write', held));
  }
  if (action.value.length > VALUE_LENGTH_MAX) {
    return E.left(valueTooLarge(action.value.length, VALUE_LENGTH_MAX));
  }
  return E.right([withObject(state, input.cap.object, { ...entry, value: action.value }), { kind: 'write' }] as const);
};
