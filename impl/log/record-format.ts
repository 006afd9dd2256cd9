/**
 * On-disk format of one log record: a 9-byte header followed by the payload.
 *
 *   offset 0  u8   LOG_FORMAT_MAGIC, which also names the format version
 *   offset 1  u32  payload length in bytes, little-endian, at most LOG_RECORD_BYTES_MAX
 *   offset 5  u32  CRC-32C of header bytes 0..4 followed by the payload, little-endian
 *
 * The checksum covers the magic and the length as well as the payload, so a corrupt length is
 * caught even when it still points inside the file.
 */
import * as E from 'fp-ts/lib/Either.js';
import { LOG_RECORD_BYTES_MAX } from '../limits.ts';
import { crc32c } from './crc32c.ts';

/** First byte of every record. A later incompatible format takes another value. */
export const LOG_FORMAT_MAGIC = 0xa1;

export const LOG_HEADER_BYTES = 9;

const LENGTH_OFFSET = 1;
const CHECKSUM_OFFSET = 5;

/** Defect that keeps the bytes at some offset from being a whole, intact record. A torn write
 * leaves one of the two short ones. The others mean the bytes changed after they were written. */
export type LogRecordDefect = 'short-header' | 'short-payload' | 'bad-magic' | 'length-over-max' | 'checksum-mismatch';

/** A record read from a byte stream. `end` is the offset just past it, where the next one starts. */
export interface ReadLogRecord {
  readonly payload: Uint8Array;
  readonly end: number;
}

/** Encodes one record, header and payload, into a new buffer. Throws a RangeError when the
 * payload is longer than LOG_RECORD_BYTES_MAX. */
export const encodeLogRecord = (payload: Uint8Array): Uint8Array => {
  if (payload.length > LOG_RECORD_BYTES_MAX) {
    throw new RangeError(
      `log record payload of ${payload.length} bytes exceeds the maximum of ${LOG_RECORD_BYTES_MAX} bytes: split the effect or raise LOG_RECORD_BYTES_MAX`,
    );
  }

  const record = new Uint8Array(LOG_HEADER_BYTES + payload.length);
  const view = new DataView(record.buffer);
  record[0] = LOG_FORMAT_MAGIC;
  view.setUint32(LENGTH_OFFSET, payload.length, true);
  record.set(payload, LOG_HEADER_BYTES);

  view.setUint32(CHECKSUM_OFFSET, recordChecksum(record.subarray(0, CHECKSUM_OFFSET), payload), true);
  return record;
};

/**
 * Reads the record that starts at `offset` in `bytes`. The payload is a copy, so it does not keep
 * `bytes` alive. Checks run in header order, so the defect names the first bad field.
 */
export const readLogRecord = (bytes: Uint8Array, offset: number): E.Either<LogRecordDefect, ReadLogRecord> => {
  const available = bytes.length - offset;
  if (available >= 1 && bytes[offset] !== LOG_FORMAT_MAGIC) {
    return E.left('bad-magic');
  }
  if (available < LOG_HEADER_BYTES) {
    return E.left('short-header');
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, LOG_HEADER_BYTES);
  const length = view.getUint32(LENGTH_OFFSET, true);
  if (length > LOG_RECORD_BYTES_MAX) {
    return E.left('length-over-max');
  }

  const payloadStart = offset + LOG_HEADER_BYTES;
  const end = payloadStart + length;
  if (end > bytes.length) {
    return E.left('short-payload');
  }

  // `new Uint8Array(view)` copies even when `bytes` is a Node Buffer, whose `slice()` shares memory.
  const payload = new Uint8Array(bytes.subarray(payloadStart, end));
  const stored = view.getUint32(CHECKSUM_OFFSET, true);
  if (recordChecksum(bytes.subarray(offset, offset + CHECKSUM_OFFSET), payload) !== stored) {
    return E.left('checksum-mismatch');
  }
  return E.right({ payload, end });
};

const recordChecksum = (headerFields: Uint8Array, payload: Uint8Array): number =>
  crc32c(payload, crc32c(headerFields));
