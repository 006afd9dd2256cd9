/**
 * Recovery of a record log from its bytes: every whole, intact record from the start, up to the
 * first one that is torn or corrupt. Nothing after that point is returned, even intact records,
 * because replaying a later record without an earlier one would apply effects out of order.
 */
import * as E from 'fp-ts/lib/Either.js';
import { readLogRecord, type LogRecordDefect } from './record-format.ts';

/** The bytes that recovery dropped: from `offset` to the end of the log. */
export interface DiscardedTail {
  readonly offset: number;
  /** Number of bytes dropped, at least 1. */
  readonly bytes: number;
  /** Defect of the record at `offset`. */
  readonly reason: LogRecordDefect;
}

export interface RecoveredLog {
  /** Payloads in log order. Record `i` has sequence number `i`. */
  readonly records: Uint8Array[];
  /** Length of the prefix made of whole, intact records, in bytes. */
  readonly validBytes: number;
  /** Present when the log has bytes past `validBytes`. */
  readonly discarded?: DiscardedTail;
}

/** Parses records from the start of `bytes` and stops at the first torn or corrupt one. */
export const recoverLog = (bytes: Uint8Array): RecoveredLog => {
  const records: Uint8Array[] = [];
  let offset = 0;

  while (offset < bytes.length) {
    const read = readLogRecord(bytes, offset);
    if (E.isLeft(read)) {
      const discarded: DiscardedTail = { offset, bytes: bytes.length - offset, reason: read.left };
      return { records, validBytes: offset, discarded };
    }

    records.push(read.right.payload);
    offset = read.right.end;
  }

  return { records, validBytes: offset };
};
