import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  crc32c,
  encodeLogRecord,
  LOG_FORMAT_MAGIC,
  LOG_HEADER_BYTES,
  readLogRecord,
  type LogRecordDefect,
} from '../../impl/log/index.ts';
import { LOG_RECORD_BYTES_MAX } from '../../impl/limits.ts';
import { textPayload } from './support.ts';

const defectOf = (bytes: Uint8Array, offset = 0): LogRecordDefect | 'ok' => {
  const read = readLogRecord(bytes, offset);
  return E.isLeft(read) ? read.left : 'ok';
};

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(textPayload('123456789'))).toBe(0xe3069283);
  });

  it('returns 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('continues from an earlier result', () => {
    expect(crc32c(textPayload('6789'), crc32c(textPayload('12345')))).toBe(0xe3069283);
  });

  it('matches the 32 zero bytes vector of RFC 3720', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });
});

describe('log record format', () => {
  it('lays out magic, length and checksum', () => {
    const payload = textPayload('abc');
    const record = encodeLogRecord(payload);
    const view = new DataView(record.buffer);

    expect(record.length).toBe(LOG_HEADER_BYTES + 3);
    expect(record[0]).toBe(LOG_FORMAT_MAGIC);
    expect(view.getUint32(1, true)).toBe(3);
    expect(view.getUint32(5, true)).toBe(crc32c(payload, crc32c(record.subarray(0, 5))));
    expect([...record.subarray(LOG_HEADER_BYTES)]).toEqual([...payload]);
  });

  it('round-trips empty and maximum payloads', () => {
    for (const length of [0, 1, LOG_RECORD_BYTES_MAX]) {
      const payload = new Uint8Array(length).map((_, index) => index * 7);
      const read = readLogRecord(encodeLogRecord(payload), 0);

      expect(E.isRight(read)).toBe(true);
      if (E.isRight(read)) {
        expect(read.right.end).toBe(LOG_HEADER_BYTES + length);
        expect(Buffer.from(read.right.payload).equals(Buffer.from(payload))).toBe(true);
      }
    }
  });

  it('rejects a payload over the maximum', () => {
    expect(() => encodeLogRecord(new Uint8Array(LOG_RECORD_BYTES_MAX + 1))).toThrow(RangeError);
  });

  it('reads a record at an offset', () => {
    const first = encodeLogRecord(textPayload('first'));
    const second = encodeLogRecord(textPayload('second'));
    const bytes = Buffer.concat([first, second]);

    const read = readLogRecord(bytes, first.length);

    expect(E.isRight(read)).toBe(true);
    if (E.isRight(read)) {
      expect(Buffer.from(read.right.payload).toString()).toBe('second');
      expect(read.right.end).toBe(bytes.length);
    }
  });

  it('copies the payload out of a Buffer', () => {
    const bytes = Buffer.from(encodeLogRecord(textPayload('x')));
    const read = readLogRecord(bytes, 0);
    bytes[LOG_HEADER_BYTES] = 'y'.charCodeAt(0);

    expect(E.isRight(read)).toBe(true);
    if (E.isRight(read)) {
      expect(Buffer.from(read.right.payload).toString()).toBe('x');
    }
  });

  it('names each defect', () => {
    const record = encodeLogRecord(textPayload('payload'));

    const badMagic = record.slice();
    badMagic[0] = LOG_FORMAT_MAGIC ^ 0x01;
    expect(defectOf(badMagic)).toBe('bad-magic');

    expect(defectOf(record.slice(0, LOG_HEADER_BYTES - 1))).toBe('short-header');
    expect(defectOf(record.slice(0, LOG_HEADER_BYTES + 3))).toBe('short-payload');

    const hugeLength = record.slice();
    new DataView(hugeLength.buffer).setUint32(1, LOG_RECORD_BYTES_MAX + 1, true);
    expect(defectOf(hugeLength)).toBe('length-over-max');

    const badPayload = record.slice();
    badPayload[LOG_HEADER_BYTES] = (badPayload[LOG_HEADER_BYTES] as number) ^ 0x40;
    expect(defectOf(badPayload)).toBe('checksum-mismatch');

    const badChecksum = record.slice();
    badChecksum[5] = (badChecksum[5] as number) ^ 0x01;
    expect(defectOf(badChecksum)).toBe('checksum-mismatch');

    expect(defectOf(record)).toBe('ok');
  });

  it('reports bad magic before a short header', () => {
    expect(defectOf(Uint8Array.of(0x00))).toBe('bad-magic');
    expect(defectOf(Uint8Array.of(LOG_FORMAT_MAGIC))).toBe('short-header');
  });
});
