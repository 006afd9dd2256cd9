/** Rights sets as the one-byte bitmasks a token stores. */
import { ALL_RIGHTS, type Right, type Rights } from '../../model/index.ts';

export const RIGHT_BITS: Readonly<Record<Right, number>> = { read: 1, write: 2, grant: 4 };

/** Union of every defined right bit. Any other bit makes a token invalid. */
export const KNOWN_RIGHTS_BITS = RIGHT_BITS.read | RIGHT_BITS.write | RIGHT_BITS.grant;

/** Bit assignment, for error messages about unknown bits. */
export const RIGHTS_BITS_HINT = 'a token holds read=1, write=2, grant=4';

export const rightsToBits = (rights: Rights): number => rights.reduce((bits, right) => bits | RIGHT_BITS[right], 0);

/** Returns the model's canonical rights array for a bitmask, ignoring bits outside KNOWN_RIGHTS_BITS. */
export const bitsToRights = (bits: number): Rights => ALL_RIGHTS.filter((right) => (bits & RIGHT_BITS[right]) !== 0);
