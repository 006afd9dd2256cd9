/**
 * The MAC chain, macaroon style: mac0 = HMAC-SHA256(owner key, minted part), and each caveat i
 * (counted from 0) moves it on, mac(i+1) = HMAC-SHA256(mac(i), [i, rights bits]). A holder can
 * extend the chain without the owner's key, but cannot remove or widen a caveat, because that
 * needs an earlier MAC, which HMAC does not reveal.
 */
import { createHmac, type KeyObject } from 'node:crypto';
import type { Rights } from '../../model/index.ts';
import type { OwnerKey } from './key.ts';
import type { UnsignedToken } from './token.ts';
import { encodeCaveat, encodeMintedPart } from './write.ts';

/** Returns HMAC-SHA256 of `data`. The digest is read as a string in Node's `binary` (latin1)
 * encoding, one character per byte. A Buffer digest gets memory of its own outside the JavaScript
 * heap, which costs more to allocate and to free than the whole conversion. */
const hmac = (key: KeyObject | Uint8Array, data: Uint8Array): Uint8Array => {
  const digest = createHmac('sha256', key).update(data).digest('binary');
  const mac = new Uint8Array(digest.length);
  for (let index = 0; index < digest.length; index++) {
    mac[index] = digest.charCodeAt(index);
  }
  return mac;
};

/** Moves the chain past caveat `index` (counted from 0): needs the current MAC, not the owner's key. */
export const chainCaveat = (mac: Uint8Array, index: number, caveat: Rights): Uint8Array =>
  hmac(mac, encodeCaveat(index, caveat));

/** Computes a token's MAC from the owner's key. Throws a Defect for a token whose fields are out of range. */
export const computeTokenMac = (key: OwnerKey, token: UnsignedToken): Uint8Array => {
  let mac = hmac(key, encodeMintedPart(token));

  if (token.kind === 'capability') {
    token.caveats.forEach((caveat, index) => {
      mac = chainCaveat(mac, index, caveat);
    });
  }

  return mac;
};
