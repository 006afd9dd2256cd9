/**
 * The owner's log records, one per effect. Replaying them in order from an empty shard rebuilds
 * the shard and the table of completed requests exactly.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ObjectIdCodec, RightsCodec } from '../wire/codecs.ts';

const Count = t.refinement(t.number, (value) => Number.isSafeInteger(value) && value >= 0, 'Count');

const RequestIdText = t.string;

export const CreateRecordCodec = t.type({
  type: t.literal('create'),
  request: RequestIdText,
  object: ObjectIdCodec,
  value: t.string,
});

export const DeriveRecordCodec = t.type({
  type: t.literal('derive'),
  request: RequestIdText,
  object: ObjectIdCodec,
  slot: Count,
  version: Count,
  parentSlot: Count,
  parentVersion: Count,
  rights: RightsCodec,
});

/** A revoke that bumped the slot from `version` to `version + 1`. A revoke of an incarnation that
 * was already revoked changes nothing and writes no record. */
export const RevokeRecordCodec = t.type({
  type: t.literal('revoke'),
  request: RequestIdText,
  object: ObjectIdCodec,
  slot: Count,
  version: Count,
});

export const WriteRecordCodec = t.type({
  type: t.literal('write'),
  request: RequestIdText,
  object: ObjectIdCodec,
  value: t.string,
});

export const LogRecordCodec = t.union([CreateRecordCodec, DeriveRecordCodec, RevokeRecordCodec, WriteRecordCodec]);

export type LogRecord = t.TypeOf<typeof LogRecordCodec>;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a record as UTF-8 JSON. Like frames, the bytes come from Node's shared pool of small
 * buffers, so read the returned array through `byteOffset` and `byteLength`. */
export const encodeRecord = (record: LogRecord): Uint8Array => {
  const bytes = Buffer.from(JSON.stringify(LogRecordCodec.encode(record)), 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/** Decodes one record payload. The log's checksum already passed, so a failure here means the
 * file was written by an incompatible version, not a torn write. */
export const decodeRecord = (payload: Uint8Array): E.Either<string, LogRecord> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(payload));
  } catch {
    return E.left(`log record of ${payload.byteLength} bytes is not UTF-8 JSON`);
  }
  const decoded = LogRecordCodec.decode(parsed);
  return E.isLeft(decoded) ? E.left('log record does not match any known record type') : decoded;
};
