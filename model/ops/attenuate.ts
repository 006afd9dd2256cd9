import * as E from 'fp-ts/lib/Either.js';
import { effectiveRights, type Capability } from '../capability.ts';
import { CAVEATS_MAX } from '../limits.ts';
import { rightsExceeded, tooManyCaveats, type Refusal } from '../refusal.ts';
import { isSubset, rightsOf, type Rights } from '../rights.ts';
import type { State } from '../state.ts';

export interface AttenuateInput {
  readonly cap: Capability;
  readonly rights: Rights;
}

export interface AttenuateOutput {
  readonly cap: Capability;
}

/**
 * Narrows a capability to `rights` by appending a caveat. Offline: it reads no node and changes no
 * state, so it works while every node is down, and it cannot tell a forged or revoked capability
 * from a valid one (the owner does, on use). Asking for a right the capability lacks is refused,
 * never silently narrowed.
 */
export const attenuate = (state: State, input: AttenuateInput): E.Either<Refusal, readonly [State, AttenuateOutput]> => {
  const held = effectiveRights(input.cap);
  const requested = rightsOf(...input.rights);
  if (!isSubset(requested, held)) {
    return E.left(rightsExceeded(requested, held));
  }
  const count = input.cap.caveats.length + 1;
  if (count > CAVEATS_MAX) {
    return E.left(tooManyCaveats(count, CAVEATS_MAX));
  }

  const cap: Capability = { ...input.cap, caveats: [...input.cap.caveats, requested] };
  return E.right([state, { cap }] as const);
};
