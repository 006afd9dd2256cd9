import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeLengthPrefixed, FrameReader } from '../../impl/net/frame-reader.ts';
import { propertyOptions } from '../sim/seed.ts';

const LIMITS = { firstFrameBytesMax: 8, frameBytesMax: 64 };

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
};

describe('FrameReader', () => {
  it('any chunking yields the same frames', () => {
    const payloads = fc.tuple(
      fc.uint8Array({ maxLength: LIMITS.firstFrameBytesMax }),
      fc.array(fc.uint8Array({ maxLength: LIMITS.frameBytesMax }), { maxLength: 8 }),
    );
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(), { maxLength: 20 }), ([first, rest], cuts) => {
        const stream = concat([first, ...rest].map(encodeLengthPrefixed));
        const offsets = [...new Set(cuts.map((cut) => cut % (stream.byteLength + 1)))].sort((a, b) => a - b);
        const reader = new FrameReader(LIMITS);
        const frames: Uint8Array[] = [];

        let start = 0;
        for (const end of [...offsets, stream.byteLength]) {
          const result = reader.push(stream.subarray(start, end));
          expect(result.error).toBeUndefined();
          frames.push(...result.frames);
          start = end;
        }

        expect(frames.map((frame) => [...frame])).toEqual([first, ...rest].map((payload) => [...payload]));
        expect(reader.midFrame).toBe(false);
      }),
      propertyOptions(),
    );
  });

  it('rejects a first frame over its own limit', () => {
    const reader = new FrameReader(LIMITS);

    const result = reader.push(encodeLengthPrefixed(new Uint8Array(9)));

    expect(result.frames).toEqual([]);
    expect(result.error).toBe('frame length 9 exceeds the maximum of 8 bytes');
  });

  it('applies the later limit after the first frame', () => {
    const reader = new FrameReader(LIMITS);

    const result = reader.push(concat([encodeLengthPrefixed(new Uint8Array(8)), encodeLengthPrefixed(new Uint8Array(64))]));
    const over = reader.push(encodeLengthPrefixed(new Uint8Array(65)));

    expect(result.frames.map((frame) => frame.byteLength)).toEqual([8, 64]);
    expect(result.error).toBeUndefined();
    expect(over.error).toBe('frame length 65 exceeds the maximum of 64 bytes');
  });

  it('checks the length before the payload arrives', () => {
    const reader = new FrameReader(LIMITS);

    const result = reader.push(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));

    expect(result.error).toBe('frame length 4294967295 exceeds the maximum of 8 bytes');
  });

  it('keeps frames completed before an error', () => {
    const reader = new FrameReader(LIMITS);

    const result = reader.push(concat([encodeLengthPrefixed(Uint8Array.from([1])), Uint8Array.from([0, 0, 1, 0])]));

    expect(result.frames.map((frame) => [...frame])).toEqual([[1]]);
    expect(result.error).toBe('frame length 256 exceeds the maximum of 64 bytes');
  });

  it('rejects every push after an error', () => {
    const reader = new FrameReader(LIMITS);
    reader.push(Uint8Array.from([0, 0, 0, 9]));

    const later = reader.push(encodeLengthPrefixed(Uint8Array.from([1])));

    expect(later.frames).toEqual([]);
    expect(later.error).toBe('frame length 9 exceeds the maximum of 8 bytes');
  });

  it('reports a partial frame as mid-frame', () => {
    const reader = new FrameReader(LIMITS);
    expect(reader.midFrame).toBe(false);

    reader.push(Uint8Array.from([0, 0]));
    expect(reader.midFrame).toBe(true);
    reader.push(Uint8Array.from([0, 2, 7]));
    expect(reader.midFrame).toBe(true);
    const done = reader.push(Uint8Array.from([8]));

    expect(done.frames.map((frame) => [...frame])).toEqual([[7, 8]]);
    expect(reader.midFrame).toBe(false);
  });

  it('returns empty frames', () => {
    const reader = new FrameReader(LIMITS);

    const result = reader.push(concat([encodeLengthPrefixed(new Uint8Array(0)), encodeLengthPrefixed(new Uint8Array(0))]));

    expect(result.frames.map((frame) => frame.byteLength)).toEqual([0, 0]);
  });

  it('returns frames that do not share memory with the input', () => {
    const reader = new FrameReader(LIMITS);
    const input = encodeLengthPrefixed(Uint8Array.from([1, 2, 3]));

    const [frame] = reader.push(input).frames;
    input.fill(0);

    expect([...(frame ?? [])]).toEqual([1, 2, 3]);
  });
});
