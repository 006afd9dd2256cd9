/** The `Random` port on the operating system's cryptographic random source (`node:crypto`). It
 * cannot be seeded, so runs that use it are not reproducible. */
import { randomBytes, randomInt } from 'node:crypto';
import type { Random } from '../ports.ts';

const UINT32_RANGE = 2 ** 32;

export class CryptoRandom implements Random {
  nextUint32(): number {
    return randomBytes(4).readUInt32BE(0);
  }

  nextFloat(): number {
    // 26 high bits and 27 low bits make the 53 bits of a double's significand.
    const words = randomBytes(8);
    const high = words.readUInt32BE(0) >>> 6;
    const low = words.readUInt32BE(4) >>> 5;
    return (high * 2 ** 27 + low) / 2 ** 53;
  }

  bytes(count: number): Uint8Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`invalid byte count ${count}: use a non-negative integer`);
    }
    return new Uint8Array(randomBytes(count));
  }

  int(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > UINT32_RANGE) {
      throw new RangeError(`invalid bound ${maxExclusive}: use an integer from 1 to 2^32`);
    }
    // randomInt rejects biased draws itself, so every result is equally likely.
    return randomInt(maxExclusive);
  }
}
