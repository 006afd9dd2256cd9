import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_HEADER_BYTES, recoverLog } from '../../impl/log/index.ts';
import { propertyOptions } from '../sim/seed.ts';
import { encodeRecords, textPayload, textsOf } from './support.ts';

const PAYLOADS = ['create a', '', 'derive a/1 from a/0', 'revoke a/1', 'x'.repeat(300)].map(textPayload);

/** Defects a changed byte can cause; a torn write causes only the two short ones. */
const CORRUPTION_DEFECTS = ['bad-magic', 'length-over-max', 'short-payload', 'checksum-mismatch'];

describe('recoverLog', () => {
  it('recovers every record of an intact log', () => {
    const { bytes } = encodeRecords(PAYLOADS);

    const recovered = recoverLog(bytes);

    expect(textsOf(recovered.records)).toEqual(textsOf(PAYLOADS));
    expect(recovered.validBytes).toBe(bytes.length);
    expect(recovered.discarded).toBeUndefined();
  });

  it('recovers nothing from an empty log', () => {
    expect(recoverLog(new Uint8Array(0))).toEqual({ records: [], validBytes: 0 });
  });

  it('drops a torn last record at every length', () => {
    const { bytes, starts } = encodeRecords(PAYLOADS);
    const lastStart = starts[starts.length - 1] as number;
    const earlier = textsOf(PAYLOADS.slice(0, -1));

    for (let cut = lastStart + 1; cut < bytes.length; cut++) {
      const recovered = recoverLog(bytes.subarray(0, cut));
      const kept = cut - lastStart;

      expect(textsOf(recovered.records), `cut at ${cut}`).toEqual(earlier);
      expect(recovered.validBytes, `cut at ${cut}`).toBe(lastStart);
      expect(recovered.discarded, `cut at ${cut}`).toEqual({
        offset: lastStart,
        bytes: kept,
        reason: kept < LOG_HEADER_BYTES ? 'short-header' : 'short-payload',
      });
    }

    const atBoundary = recoverLog(bytes.subarray(0, lastStart));
    expect(textsOf(atBoundary.records)).toEqual(earlier);
    expect(atBoundary.discarded).toBeUndefined();
  });

  it('detects a flipped bit anywhere in the last record', () => {
    const payloads = [textPayload('first'), textPayload('the last record, 33 bytes long..')];
    const { bytes, starts } = encodeRecords(payloads);
    const lastStart = starts[1] as number;

    for (let index = lastStart; index < bytes.length; index++) {
      for (let bit = 0; bit < 8; bit++) {
        const corrupt = bytes.slice();
        corrupt[index] = (corrupt[index] as number) ^ (1 << bit);

        const recovered = recoverLog(corrupt);
        const where = `byte ${index} bit ${bit}`;

        expect(textsOf(recovered.records), where).toEqual(['first']);
        expect(recovered.validBytes, where).toBe(lastStart);
        expect(recovered.discarded?.offset, where).toBe(lastStart);
        expect(recovered.discarded?.bytes, where).toBe(bytes.length - lastStart);
        expect(CORRUPTION_DEFECTS, where).toContain(recovered.discarded?.reason);
      }
    }
  });

  // NOTE: a changed byte in an earlier record loses every later record, intact or not. The
  // checksum detects the damage but cannot repair it, and replaying later records without the
  // damaged one would apply effects out of order.
  it('stops at a corrupt earlier record', () => {
    const { bytes, starts } = encodeRecords(PAYLOADS);
    const damagedStart = starts[2] as number;
    const corrupt = bytes.slice();
    corrupt[damagedStart + LOG_HEADER_BYTES] = (corrupt[damagedStart + LOG_HEADER_BYTES] as number) ^ 0x10;

    const recovered = recoverLog(corrupt);

    expect(textsOf(recovered.records)).toEqual(textsOf(PAYLOADS.slice(0, 2)));
    expect(recovered.discarded).toEqual({
      offset: damagedStart,
      bytes: bytes.length - damagedStart,
      reason: 'checksum-mismatch',
    });
  });

  it('recovers exactly the whole records of any prefix', () => {
    const payloads = fc.array(
      fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ minLength: 100, maxLength: 300 })),
      { maxLength: 12 },
    );

    fc.assert(
      fc.property(payloads, (records) => {
        const { bytes, starts } = encodeRecords(records);
        const ends = starts.map((_, index) => starts[index + 1] ?? bytes.length);

        for (let length = 0; length <= bytes.length; length++) {
          const wholeCount = ends.filter((end) => end <= length).length;
          const validBytes = wholeCount === 0 ? 0 : (ends[wholeCount - 1] as number);

          const recovered = recoverLog(bytes.subarray(0, length));

          // Buffer comparison keeps the loop over every prefix fast.
          expect(recovered.records.length).toBe(wholeCount);
          recovered.records.forEach((record, index) => {
            expect(Buffer.compare(record, records[index] as Uint8Array)).toBe(0);
          });
          expect(recovered.validBytes).toBe(validBytes);
          expect(recovered.discarded?.bytes ?? 0).toBe(length - validBytes);
        }
      }),
      propertyOptions(100),
    );
  });

  it('keeps the valid prefix whatever garbage follows', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), fc.uint8Array({ maxLength: 64 }), (records, garbage) => {
        const { bytes } = encodeRecords(records);
        const withGarbage = new Uint8Array(bytes.length + garbage.length);
        withGarbage.set(bytes);
        withGarbage.set(garbage, bytes.length);

        const recovered = recoverLog(withGarbage);

        expect(recovered.records.length).toBeGreaterThanOrEqual(records.length);
        expect(recovered.records.slice(0, records.length).map((record) => [...record])).toEqual(
          records.map((record) => [...record]),
        );
        expect(recovered.validBytes + (recovered.discarded?.bytes ?? 0)).toBe(withGarbage.length);
      }),
      propertyOptions(200),
    );
  });
});
