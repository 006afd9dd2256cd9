/**
 * Every way an operation can be refused, as a tagged union. A refusal is an expected outcome
 * (a revoked capability, a crashed owner), never a defect.
 */
import type { Capability } from './capability.ts';
import type { NodeId, ObjectId } from './ids.ts';
import type { Right, Rights } from './rights.ts';

export type Refusal =
  /** The node named by an object id or an operation is not part of the cluster. */
  | { readonly _tag: 'UnknownNode'; readonly node: NodeId }
  /** The owner of the object is crashed, so nothing about the object can be checked or changed. */
  | { readonly _tag: 'OwnerUnavailable'; readonly node: NodeId }
  /** The capability or revoker was never minted by the owner. */
  | { readonly _tag: 'Forged'; readonly object: ObjectId }
  /** A slot on the capability's chain has moved past the version the chain recorded. */
  | { readonly _tag: 'Revoked'; readonly object: ObjectId; readonly slot: number }
  /** The capability is valid but lacks the right the operation needs. */
  | { readonly _tag: 'MissingRight'; readonly right: Right; readonly held: Rights }
  /** Attenuation or derivation asked for rights the capability does not hold. */
  | { readonly _tag: 'RightsExceeded'; readonly requested: Rights; readonly held: Rights }
  /** Derivation would put the new slot deeper than the depth limit. */
  | { readonly _tag: 'DepthExceeded'; readonly depth: number; readonly max: number }
  /** Attenuation would append more caveats than the caveat limit. */
  | { readonly _tag: 'TooManyCaveats'; readonly count: number; readonly max: number }
  /** The object already has as many slots as the slot limit allows, none free for reuse. */
  | { readonly _tag: 'SlotsExhausted'; readonly object: ObjectId; readonly max: number }
  /** A value is longer than the value length limit. */
  | { readonly _tag: 'ValueTooLarge'; readonly length: number; readonly max: number }
  /** `crash` of a node that is already crashed. */
  | { readonly _tag: 'AlreadyCrashed'; readonly node: NodeId }
  /** `restart` of a node that is up. */
  | { readonly _tag: 'NotCrashed'; readonly node: NodeId };

export type RefusalTag = Refusal['_tag'];

export const REFUSAL_TAGS: ReadonlyArray<RefusalTag> = [
  'UnknownNode',
  'OwnerUnavailable',
  'Forged',
  'Revoked',
  'MissingRight',
  'RightsExceeded',
  'DepthExceeded',
  'TooManyCaveats',
  'SlotsExhausted',
  'ValueTooLarge',
  'AlreadyCrashed',
  'NotCrashed',
];

export const unknownNode = (node: NodeId): Refusal => ({ _tag: 'UnknownNode', node });
export const ownerUnavailable = (node: NodeId): Refusal => ({ _tag: 'OwnerUnavailable', node });
export const forged = (object: ObjectId): Refusal => ({ _tag: 'Forged', object });
export const revoked = (cap: Pick<Capability, 'object'>, slot: number): Refusal => ({
  _tag: 'Revoked',
  object: cap.object,
  slot,
});
export const missingRight = (right: Right, held: Rights): Refusal => ({ _tag: 'MissingRight', right, held });
export const rightsExceeded = (requested: Rights, held: Rights): Refusal => ({
  _tag: 'RightsExceeded',
  requested,
  held,
});
export const depthExceeded = (depth: number, max: number): Refusal => ({ _tag: 'DepthExceeded', depth, max });
export const tooManyCaveats = (count: number, max: number): Refusal => ({ _tag: 'TooManyCaveats', count, max });
export const slotsExhausted = (object: ObjectId, max: number): Refusal => ({ _tag: 'SlotsExhausted', object, max });
export const valueTooLarge = (length: number, max: number): Refusal => ({ _tag: 'ValueTooLarge', length, max });
export const alreadyCrashed = (node: NodeId): Refusal => ({ _tag: 'AlreadyCrashed', node });
export const notCrashed = (node: NodeId): Refusal => ({ _tag: 'NotCrashed', node });
