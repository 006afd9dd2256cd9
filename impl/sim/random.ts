/**
 * Seeded pseudo-random numbers for the simulator: the sfc32 generator (Chris Doty-Humphrey's
 * "small fast chaotic" generator, 128 bits of state) behind the `Random` port. Not for
 * cryptography: the same seed always yields the same stream.
 */
import type { Random } from '../ports.ts';

const UINT32_RANGE = 2 ** 32;

/** Outputs discarded after seeding, so that similar seeds have diverged before the first draw. */
const WARM_UP_ROUNDS = 16;

const utf8 = new TextEncoder();

/** Seeds a `SeededRandom`: an integer (any safe integer) or a text. `42` and `"42"` give the
 * same stream, so a seed read from an environment variable matches the numeric one. */
export type Seed = number | string;

/**
 * Deterministic `Random` built from a seed. Each instance has a key: the seed as text for a root
 * stream, `parent/label` for a fork. The key alone fixes the stream.
 */
export class SeededRandom implements Random {
  readonly key: string;

  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Seed) {
    this.key = seedKey(seed);

    const words = hashKey(this.key);
    this.a = words[0];
    this.b = words[1];
    this.c = words[2];
    this.d = words[3];

    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      this.nextUint32();
    }
  }

  /**
   * Derives an independent stream named `label`. The fork depends only on this stream's key and
   * the label, not on how many numbers were drawn here, so adding draws to one stream never
   * shifts another. Forking the same label twice yields the same stream again.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(`${this.key}/${label}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 2 ** 26 + low) / 2 ** 53;
  }

  bytes(count: number): Uint8Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`invalid byte count ${count}: use a non-negative integer`);
    }

    const out = new Uint8Array(count);
    for (let offset = 0; offset < count; offset += 4) {
      let word = this.nextUint32();
      for (let index = offset; index < Math.min(offset + 4, count); index++) {
        out[index] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }

  int(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > UINT32_RANGE) {
      throw new RangeError(`invalid bound ${maxExclusive}: use an integer from 1 to 2^32`);
    }

    // Rejection sampling: draws at or above the largest multiple of the bound are redrawn, so
    // every result is equally likely.
    const limit = UINT32_RANGE - (UINT32_RANGE % maxExclusive);
    for (;;) {
      const draw = this.nextUint32();
      if (draw < limit) {
        return draw % maxExclusive;
      }
    }
  }

  /** Returns true with probability `probability`, which must be in [0, 1]. Always draws one
   * number, so the stream stays aligned whatever the probability. */
  chance(probability: number): boolean {
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`invalid probability ${probability}: use a number from 0 to 1`);
    }
    return this.nextFloat() < probability;
  }

  /** Returns a float uniformly distributed in [min, max), or `min` when both bounds are equal. */
  between(min: number, max: number): number {
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
      throw new RangeError(`invalid range [${min}, ${max}): use finite bounds with min <= max`);
    }
    return min + this.nextFloat() * (max - min);
  }

  /** Returns an element of a non-empty array, each equally likely. */
  pick<T>(items: ReadonlyArray<T>): T {
    if (items.length === 0) {
      throw new RangeError('cannot pick from an empty array: pass at least one item');
    }
    return items[this.int(items.length)] as T;
  }
}

const seedKey = (seed: Seed): string => {
  if (typeof seed === 'string') {
    return seed;
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`invalid seed ${seed}: use a safe integer or a string`);
  }
  return String(seed);
};

/**
 * Hashes a key into four 32-bit words: FNV-1a over the UTF-8 bytes, once per word with a
 * different offset basis, each result passed through the MurmurHash3 finalizer to spread bits.
 * The four hashes run side by side in one pass over the bytes.
 */
const hashKey = (key: string): readonly [number, number, number, number] => {
  const bytes = utf8Bytes(key);
  let lane1 = laneBasis(1);
  let lane2 = laneBasis(2);
  let lane3 = laneBasis(3);
  let lane4 = laneBasis(4);
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    lane1 = Math.imul(lane1 ^ byte, 0x01000193);
    lane2 = Math.imul(lane2 ^ byte, 0x01000193);
    lane3 = Math.imul(lane3 ^ byte, 0x01000193);
    lane4 = Math.imul(lane4 ^ byte, 0x01000193);
  }
  return [
    finalizeHash(lane1 ^ bytes.length),
    finalizeHash(lane2 ^ bytes.length),
    finalizeHash(lane3 ^ bytes.length),
    finalizeHash(lane4 ^ bytes.length),
  ];
};

/** FNV-1a offset basis of one of the four words of `hashKey`. */
const laneBasis = (salt: number): number => (0x811c9dc5 ^ Math.imul(salt, 0x9e3779b9)) >>> 0;

/** Returns the UTF-8 bytes of `text`. Keys are nearly always ASCII, whose bytes are the
 * character codes, so those skip the encoder. */
const utf8Bytes = (text: string): Uint8Array => {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) {
      return utf8.encode(text);
    }
    bytes[index] = code;
  }
  return bytes;
};

const finalizeHash = (value: number): number => {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
};
