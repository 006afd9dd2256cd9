/**
 * Capabilities and revokers as the model sees them: plain values a holder can copy anywhere.
 *
 * A capability has a minted part, which the owner issued (object, slot, version and base rights),
 * and a chain of caveats that holders appended offline. Its effective rights are the base rights
 * narrowed by every caveat. The reference implementation encodes the same fields in a token whose
 * MAC covers the minted part and then each caveat in turn.
 */
import type { ObjectId } from './ids.ts';
import { formatRights, intersect, type Rights } from './rights.ts';

/** Index of a revocation slot within its object; the root slot is 0. */
export type SlotId = number;

export const ROOT_SLOT: SlotId = 0;

export interface Capability {
  readonly object: ObjectId;
  readonly slot: SlotId;
  /** Version of the slot when the owner minted this capability. */
  readonly version: number;
  /** Rights the owner minted the capability with. */
  readonly rights: Rights;
  /** Rights sets appended by attenuation, oldest first. */
  readonly caveats: ReadonlyArray<Rights>;
}

/** The authority to revoke one incarnation of one slot: the slot at the given version. */
export interface Revoker {
  readonly object: ObjectId;
  readonly slot: SlotId;
  readonly version: number;
}

/** Returns the rights a capability actually grants: its base rights narrowed by every caveat. */
export const effectiveRights = (cap: Capability): Rights => cap.caveats.reduce(intersect, cap.rights);

/** Key of one minted incarnation of a slot, `slot@version`. */
export const incarnationKey = (slot: SlotId, version: number): string => `${slot}@${version}`;

export const formatCapability = (cap: Capability): string => {
  const caveats = cap.caveats.map((caveat) => `/${formatRights(caveat)}`).join('');
  return `cap(${cap.object}#${cap.slot}@${cap.version}${formatRights(cap.rights)}${caveats})`;
};

export const formatRevoker = (revoker: Revoker): string =>
  `revoker(${revoker.object}#${revoker.slot}@${revoker.version})`;
