import { describe, expect, it } from 'vitest';
import { CryptoRandom } from '../../impl/net/crypto-random.ts';

describe('CryptoRandom', () => {
  const random = new CryptoRandom();

  it('draws stay in range', () => {
    for (let index = 0; index < 1_000; index += 1) {
      const word = random.nextUint32();
      const float = random.nextFloat();
      const small = random.int(7);
      expect(Number.isInteger(word)).toBe(true);
      expect(word).toBeGreaterThanOrEqual(0);
      expect(word).toBeLessThan(2 ** 32);
      expect(float).toBeGreaterThanOrEqual(0);
      expect(float).toBeLessThan(1);
      expect(Number.isInteger(small)).toBe(true);
      expect(small).toBeGreaterThanOrEqual(0);
      expect(small).toBeLessThan(7);
    }
    expect(random.int(1)).toBe(0);
  });

  it('int covers every value of a small range', () => {
    const seen = new Set<number>();
    for (let index = 0; index < 1_000; index += 1) {
      seen.add(random.int(4));
    }

    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('bytes returns the requested count', () => {
    const bytes = random.bytes(33);

    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.byteLength).toBe(33);
    expect(random.bytes(0).byteLength).toBe(0);
    // Two equal 32-byte draws have probability 2^-256.
    expect(Buffer.from(random.bytes(32)).equals(Buffer.from(random.bytes(32)))).toBe(false);
  });

  it('rejects invalid arguments', () => {
    expect(() => random.bytes(-1)).toThrow(/invalid byte count -1/);
    expect(() => random.int(0)).toThrow(/invalid bound 0/);
    expect(() => random.int(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => random.int(1.5)).toThrow(RangeError);
  });
});
