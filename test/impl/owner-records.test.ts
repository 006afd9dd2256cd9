import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { objectId, nodeId } from '../../model/index.ts';
import { DeriveRecordCodec, decodeRecord, encodeRecord, type LogRecord } from '../../impl/owner/records.ts';

const object = objectId(nodeId('n0'), 3);

const records: ReadonlyArray<LogRecord> = [
  { type: 'create', request: 'c0:1', object, value: 'first' },
  { type: 'derive', request: 'c0:2', object, slot: 4, version: 7, parentSlot: 1, parentVersion: 2, rights: ['grant', 'read'] },
  { type: 'revoke', request: 'c0:3', object, slot: 4, version: 7 },
  { type: 'write', request: 'c0:4', object, value: 'second' },
];

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

const deriveJson = (fields: Record<string, unknown>): Uint8Array =>
  bytes(
    JSON.stringify({
      type: 'derive',
      request: 'c0:2',
      object,
      slot: 1,
      version: 0,
      parentSlot: 0,
      parentVersion: 0,
      rights: ['read'],
      ...fields,
    }),
  );

describe('owner log records', () => {
  it('every record type round-trips', () => {
    for (const record of records) {
      expect(decodeRecord(encodeRecord(record))).toEqual(E.right(record));
    }
  });

  it('non-UTF-8 payload is rejected with its size', () => {
    const payload = Uint8Array.of(0x7b, 0xff, 0x7d);

    expect(decodeRecord(payload)).toEqual(E.left('log record of 3 bytes is not UTF-8 JSON'));
  });

  it('invalid byte inside a JSON string is rejected', () => {
    // Lenient decoding would turn 0xff into U+FFFD and accept the record.
    const prefix = bytes('{"type":"write","request":"c0:4","object":"n0/3","value":"');
    const suffix = bytes('"}');
    const payload = new Uint8Array([...prefix, 0xff, ...suffix]);

    expect(decodeRecord(payload)).toEqual(E.left(`log record of ${payload.byteLength} bytes is not UTF-8 JSON`));
  });

  it('non-JSON payload is rejected with its size', () => {
    expect(decodeRecord(bytes('not json'))).toEqual(E.left('log record of 8 bytes is not UTF-8 JSON'));
  });

  it('unknown record type is rejected', () => {
    const payload = bytes(JSON.stringify({ type: 'delete', request: 'c0:5', object }));

    expect(decodeRecord(payload)).toEqual(E.left('log record does not match any known record type'));
  });

  it('derive record counts must be non-negative integers', () => {
    expect(E.isRight(decodeRecord(deriveJson({})))).toBe(true);
    expect(E.isRight(decodeRecord(deriveJson({ slot: 0, version: 0 })))).toBe(true);

    for (const field of ['slot', 'version', 'parentSlot', 'parentVersion']) {
      expect(decodeRecord(deriveJson({ [field]: -1 })), `${field} = -1`).toEqual(
        E.left('log record does not match any known record type'),
      );
      expect(decodeRecord(deriveJson({ [field]: 1.5 })), `${field} = 1.5`).toEqual(
        E.left('log record does not match any known record type'),
      );
      expect(decodeRecord(deriveJson({ [field]: 2 ** 53 })), `${field} = 2^53`).toEqual(
        E.left('log record does not match any known record type'),
      );
    }
  });

  it('rejected count names the Count type', () => {
    const decoded = DeriveRecordCodec.decode(JSON.parse(new TextDecoder().decode(deriveJson({ slot: -1 }))));

    expect(E.isLeft(decoded)).toBe(true);
    if (E.isLeft(decoded)) {
      const names = decoded.left.map((error) => error.context.at(-1)?.type.name);
      expect(names).toContain('Count');
    }
  });
});
