/**
 * The record log of one owner node over its `Storage`: records are appended in order, made
 * durable by `sync()`, and replayed by `RecordLog.open` after a restart.
 *
 * Sequence numbers (LSNs) are record indexes in the whole log. The records recovered at open have
 * LSNs 0 to n-1 and the next append gets n. Appends are buffered until a sync, and syncs are
 * grouped: one storage sync covers every record appended before it started, and the callers of
 * `sync()` who arrive while it is in flight share a single next storage sync.
 */
import type { Logger, Storage } from '../ports.ts';
import { GroupSync } from './group-sync.ts';
import { encodeLogRecord } from './record-format.ts';
import { recoverLog, type DiscardedTail } from './recover.ts';

export interface OpenedRecordLog {
  readonly log: RecordLog;
  /** Payloads of the recovered records. The payload at index `i` has LSN `i`. */
  readonly records: Uint8Array[];
  /** The torn or corrupt tail that open cut off, when there was one. */
  readonly discarded?: DiscardedTail;
}

export class RecordLog {
  private appendedLsn: number;
  private readonly group: GroupSync;
  /** Set when a storage sync failed. The log then rejects every call, because after a failed
   * `fsync` the durable state of the appended bytes is unknown. */
  private failure: Error | undefined;

  private constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    recoveredCount: number,
  ) {
    this.appendedLsn = recoveredCount - 1;
    this.group = new GroupSync({
      synced: recoveredCount - 1,
      appended: () => this.appendedLsn,
      flush: () => this.storage.sync(),
      failure: (error) => this.failStorageSync(error),
    });
  }

  /**
   * Loads the storage, recovers every whole and intact record, and returns the log ready for
   * appends after them. A torn or corrupt tail is logged as a warning and cut off.
   *
   * The cut keeps the next records reachable. Recovery stops at the first bad record, so records
   * appended after leftover garbage would never be replayed. Skipping the garbage instead would
   * need a scan for the next valid record, and a scan can take bytes inside a payload, which
   * clients partly choose, for a record header. Cutting first means every later recovery parses
   * only bytes that this module framed.
   */
  static async open(storage: Storage, logger: Logger): Promise<OpenedRecordLog> {
    const bytes = await storage.load();
    const { records, validBytes, discarded } = recoverLog(bytes);

    if (discarded !== undefined) {
      logger.warn(
        { offset: discarded.offset, bytes: discarded.bytes, reason: discarded.reason, records: records.length },
        'discarding torn or corrupt tail of the record log',
      );
      await storage.truncate(validBytes);
    }
    logger.debug({ records: records.length, bytes: validBytes }, 'record log opened');

    const log = new RecordLog(storage, logger, records.length);
    return discarded === undefined ? { log, records } : { log, records, discarded };
  }

  /** LSN of the last appended record, or -1 when the log is empty. */
  get appendedThrough(): number {
    return this.appendedLsn;
  }

  /** LSN of the last record known to be durable, or -1 when none is. */
  get syncedThrough(): number {
    return this.group.syncedThrough;
  }

  /** Whether some appended record is not yet durable. When false, a read need not wait for a sync. */
  get hasPending(): boolean {
    return this.appendedLsn > this.group.syncedThrough;
  }

  /**
   * Appends one record and returns its LSN. The record is buffered, and durable only once a
   * `sync()` called after this resolves. Throws a RangeError for a payload over
   * LOG_RECORD_BYTES_MAX, and an Error after a failed sync.
   */
  append(payload: Uint8Array): number {
    this.throwIfFailed();

    const record = encodeLogRecord(payload);
    this.storage.append(record);
    this.appendedLsn++;
    return this.appendedLsn;
  }

  /**
   * Resolves once every record appended before the call is durable. It resolves at once when
   * nothing is pending, joins the storage sync in flight when that one covers the records, and
   * otherwise shares the next storage sync with every other caller waiting for it. Rejects
   * after a failed storage sync. If the process crashes first, the promise never settles.
   */
  sync(): Promise<void> {
    if (this.failure !== undefined) {
      return Promise.reject(this.failure);
    }
    return this.group.sync();
  }

  /** Records a failed storage sync and returns the error that every waiting caller gets. */
  private failStorageSync(error: unknown): Error {
    const failure = new Error(
      `record log sync failed (${String(error)}): the log accepts no more records, so restart the process to recover from the durable log`,
      { cause: error },
    );
    this.failure = failure;
    this.logger.error(
      { error: String(error), appendedThrough: this.appendedLsn, syncedThrough: this.group.syncedThrough },
      'record log sync failed',
    );
    return failure;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }
}

/** Opens the record log on `storage`, as `RecordLog.open` does. */
export const openRecordLog = (storage: Storage, logger: Logger): Promise<OpenedRecordLog> =>
  RecordLog.open(storage, logger);
