import { constantCostRevocation } from './constant-cost-revocation.ts';
import { durability } from './durability.ts';
import { failureIsolation } from './failure-isolation.ts';
import { guardSoundComplete } from './guard-sound-complete.ts';
import type { Invariant } from './invariant.ts';
import { noRightsAmplification } from './no-rights-amplification.ts';
import { ownerLocality } from './owner-locality.ts';
import { revocationComplete } from './revocation-complete.ts';
import { revocationPermanent } from './revocation-permanent.ts';
import { revocationSelective } from './revocation-selective.ts';
import { unforgeability } from './unforgeability.ts';

export * from './invariant.ts';
export { changedEntries } from './constant-cost-revocation.ts';

/** Every invariant of the specification, in id order. */
export const INVARIANTS: ReadonlyArray<Invariant> = [
  noRightsAmplification,
  revocationComplete,
  revocationSelective,
  revocationPermanent,
  guardSoundComplete,
  failureIsolation,
  durability,
  ownerLocality,
  constantCostRevocation,
  unforgeability,
];
