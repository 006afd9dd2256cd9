/**
 * The model's value for a forged token. A forged token can carry exactly the fields of a genuine
 * capability (say, another slot's), but its MAC is wrong, so the owner rejects it. The model tells
 * capabilities apart by their fields alone, so the harness gives a forged token a negative version,
 * which no owner ever mints: the model then refuses it as Forged, as the implementation does.
 */
import type { Capability, Revoker } from '../../model/index.ts';

/** Marks a capability as forged; one that already carries the mark is returned unchanged. */
export const forgedCapability = (cap: Capability): Capability =>
  cap.version < 0 ? cap : { ...cap, version: -1 - cap.version };

export const forgedRevoker = (revoker: Revoker): Revoker =>
  revoker.version < 0 ? revoker : { ...revoker, version: -1 - revoker.version };
