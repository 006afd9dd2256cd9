/** An owner's MAC key. It is a node:crypto KeyObject, so printing or logging it shows its size, not its bytes. */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { OWNER_KEY_BYTES_MIN } from '../limits.ts';

export type OwnerKey = KeyObject & { readonly OwnerKey: unique symbol };

/** Wraps key bytes, which should come from a cryptographic random source. Throws a TypeError for
 * a key shorter than OWNER_KEY_BYTES_MIN, because keys are configuration, not outside input. */
export const ownerKey = (bytes: Uint8Array): OwnerKey => {
  if (bytes.length < OWNER_KEY_BYTES_MIN) {
    throw new TypeError(`owner key has ${bytes.length} bytes; use at least ${OWNER_KEY_BYTES_MIN} random bytes`);
  }
  return createSecretKey(bytes) as OwnerKey;
};
