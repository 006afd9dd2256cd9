/**
 * Every limit of the specification, in one place. The reference implementation imports these
 * same constants, so that the model and the implementation reject at the same boundary.
 */

/** Maximum depth of a revocation slot below its object's root slot (the root is depth 0). A
 * guard walks the whole chain on every use, so the depth bounds the cost of one check. */
export const SLOT_DEPTH_MAX = 8;

/** Maximum number of attenuation caveats appended to one capability. Verifying a token costs
 * one HMAC per caveat, so this bounds the guard's cost. */
export const CAVEATS_MAX = 8;

/** Maximum length of an object's value, in UTF-16 code units. It keeps every message small. */
export const VALUE_LENGTH_MAX = 1024;

/** Highest version a capability can be minted at: tokens store the version as an unsigned 32-bit
 * integer. A revoke that moves a slot past it retires the slot instead of freeing it for reuse. */
export const SLOT_VERSION_MAX = 0xffff_ffff;

/** Maximum number of slots one object may have allocated at once, revoked ones awaiting reuse
 * included: about a million separately revocable capabilities per object, the scale at which a
 * revoke must still cost the same as with one. It bounds an owner's memory per object. */
export const SLOTS_PER_OBJECT_MAX = 1 << 20;

/** Upper bound on the number of state entries one revoke may change: the slot's version and the
 * slot's place on the free list. It holds whatever the number of capabilities derived below. */
export const REVOKE_CHANGED_ENTRIES_MAX = 2;
