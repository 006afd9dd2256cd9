import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeHello, encodeHello, HELLO_BYTES_MAX } from '../../impl/net/hello.ts';

const LONGEST_ID = 'x'.repeat(64);

describe('hello frame', () => {
  it('round trips two ids', () => {
    const decoded = decodeHello(encodeHello({ from: 'c0', to: 'n12' }));

    expect(decoded).toEqual(E.right({ from: 'c0', to: 'n12' }));
  });

  it('longest ids fit HELLO_BYTES_MAX exactly', () => {
    const encoded = encodeHello({ from: LONGEST_ID, to: LONGEST_ID });

    expect(encoded.byteLength).toBe(HELLO_BYTES_MAX);
    expect(decodeHello(encoded)).toEqual(E.right({ from: LONGEST_ID, to: LONGEST_ID }));
  });

  it('encode rejects an invalid id', () => {
    expect(() => encodeHello({ from: 'has space', to: 'n0' })).toThrow(RangeError);
    expect(() => encodeHello({ from: 'c0', to: '' })).toThrow(RangeError);
  });

  it('decode rejects malformed hellos', () => {
    const valid = encodeHello({ from: 'c0', to: 'n0' });
    const withByte = (index: number, value: number): Uint8Array => {
      const copy = new Uint8Array(valid);
      copy[index] = value;
      return copy;
    };
    const cases: ReadonlyArray<readonly [Uint8Array, string]> = [
      [valid.subarray(0, 5), 'hello of 5 bytes is shorter than its 6-byte header'],
      [withByte(0, 0x78), 'hello does not start with the SCAP magic bytes'],
      [withByte(4, 2), 'hello has version 2, but this endpoint speaks version 1'],
      [withByte(5, 0), 'hello sender id of 0 bytes is not a valid endpoint id'],
      [withByte(5, 5), 'hello sender id length 5 runs past the end of the 10-byte frame'],
      [valid.subarray(0, 8), 'hello receiver id of 0 bytes is not a valid endpoint id'],
      [withByte(6, 0xff), 'hello sender id of 2 bytes is not a valid endpoint id'],
      [withByte(9, 0x20), 'hello receiver id of 2 bytes is not a valid endpoint id'],
    ];

    for (const [payload, message] of cases) {
      expect(decodeHello(payload)).toEqual(E.left(message));
    }
  });
});
