/** Owner-side minting: turns the model's capabilities and revokers into signed tokens. */
import { rightsOf, type Capability, type Revoker } from '../../model/index.ts';
import type { OwnerKey } from './key.ts';
import { computeTokenMac } from './mac.ts';
import type { CapabilityToken, RevokerToken } from './token.ts';

/**
 * Mints a token for a capability. The owner mints with no caveats, but any caveats the capability
 * has are chained in order, so minting a model value reproduces the token attenuation would give.
 * Throws a Defect when a field is out of the token's range (slot at or above
 * SLOTS_PER_OBJECT_MAX, version above SLOT_VERSION_MAX, more than CAVEATS_MAX caveats).
 */
export const mintCapability = (key: OwnerKey, cap: Capability): CapabilityToken => {
  const unsigned = {
    kind: 'capability',
    object: cap.object,
    slot: cap.slot,
    version: cap.version,
    rights: rightsOf(...cap.rights),
    caveats: cap.caveats.map((caveat) => rightsOf(...caveat)),
  } as const;

  return { ...unsigned, mac: computeTokenMac(key, unsigned) };
};

/** Mints a token for a revoker. Throws a Defect when the slot or version is out of the token's range. */
export const mintRevoker = (key: OwnerKey, revoker: Revoker): RevokerToken => {
  const unsigned = { kind: 'revoker', object: revoker.object, slot: revoker.slot, version: revoker.version } as const;

  return { ...unsigned, mac: computeTokenMac(key, unsigned) };
};
