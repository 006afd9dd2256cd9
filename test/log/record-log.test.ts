import { describe, expect, it } from 'vitest';
import { encodeLogRecord, openRecordLog, RecordLog } from '../../impl/log/index.ts';
import { LOG_RECORD_BYTES_MAX } from '../../impl/limits.ts';
import { MemoryLogger, noopLogger } from '../../impl/ports.ts';
import {
  CountingStorage,
  encodeRecords,
  flushMicrotasks,
  ManualStorage,
  settle,
  simDisk,
  textPayload,
  textsOf,
} from './support.ts';

const QUIET_DISK = { syncLatencyMsMin: 1, syncLatencyMsMax: 3, loadLatencyMs: 1, tornWriteRate: 0 };

/** Calls `sync()` and records whether the promise settled, and how. */
const trackSync = (log: RecordLog): { state: 'pending' | 'resolved' | 'rejected' } => {
  const tracker: { state: 'pending' | 'resolved' | 'rejected' } = { state: 'pending' };
  log.sync().then(
    () => {
      tracker.state = 'resolved';
    },
    () => {
      tracker.state = 'rejected';
    },
  );
  return tracker;
};

describe('RecordLog', () => {
  it('numbers records from 0 on an empty log', async () => {
    const { log, records } = await RecordLog.open(new ManualStorage(), noopLogger);

    expect(records).toEqual([]);
    expect(log.appendedThrough).toBe(-1);
    expect(log.syncedThrough).toBe(-1);
    expect(log.hasPending).toBe(false);

    expect(log.append(textPayload('a'))).toBe(0);
    expect(log.append(textPayload('b'))).toBe(1);
    expect(log.appendedThrough).toBe(1);
    expect(log.syncedThrough).toBe(-1);
    expect(log.hasPending).toBe(true);
  });

  it('continues numbering after recovered records', async () => {
    const storage = new ManualStorage(encodeRecords(['a', 'b', 'c'].map(textPayload)).bytes);

    const { log, records } = await RecordLog.open(storage, noopLogger);

    expect(textsOf(records)).toEqual(['a', 'b', 'c']);
    expect(log.appendedThrough).toBe(2);
    expect(log.syncedThrough).toBe(2);
    expect(log.hasPending).toBe(false);
    expect(log.append(textPayload('d'))).toBe(3);
  });

  it('appends one framed record per call', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);

    log.append(textPayload('a'));
    log.append(textPayload('bc'));

    const expected = Buffer.concat([encodeLogRecord(textPayload('a')), encodeLogRecord(textPayload('bc'))]);
    expect(Buffer.from(await storage.load()).equals(expected)).toBe(true);
  });

  it('rejects an oversized payload without appending', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);

    expect(() => log.append(new Uint8Array(LOG_RECORD_BYTES_MAX + 1))).toThrow(/exceeds the maximum/);
    expect(log.appendedThrough).toBe(-1);
    expect((await storage.load()).length).toBe(0);
  });

  it('marks records synced when the storage sync completes', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);
    log.append(textPayload('a'));

    const sync = trackSync(log);
    await flushMicrotasks();
    expect(sync.state).toBe('pending');
    expect(log.syncedThrough).toBe(-1);

    storage.completeSync();
    await flushMicrotasks();
    expect(sync.state).toBe('resolved');
    expect(log.syncedThrough).toBe(0);
    expect(log.hasPending).toBe(false);
  });

  it('skips the storage sync when nothing is pending', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);

    await log.sync();

    expect(storage.syncCalls).toBe(0);
  });

  it('groups many appends and syncs into one storage sync', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);
    for (let index = 0; index < 10; index++) {
      log.append(textPayload(`record ${index}`));
    }

    const syncs = Array.from({ length: 5 }, () => trackSync(log));
    storage.completeSync();
    await flushMicrotasks();

    expect(storage.syncCalls).toBe(1);
    expect(syncs.map((sync) => sync.state)).toEqual(Array(5).fill('resolved'));
    expect(log.syncedThrough).toBe(9);
  });

  it('joins the sync in flight when it covers the records', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);
    log.append(textPayload('a'));

    const first = trackSync(log);
    const second = trackSync(log);
    expect(storage.syncCalls).toBe(1);

    storage.completeSync();
    await flushMicrotasks();
    expect(first.state).toBe('resolved');
    expect(second.state).toBe('resolved');
    expect(storage.syncCalls).toBe(1);
  });

  it('shares one next sync among callers during a sync in flight', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);
    log.append(textPayload('a'));
    const inFlight = trackSync(log);

    log.append(textPayload('b'));
    const waiting = [trackSync(log), trackSync(log)];
    log.append(textPayload('c'));
    waiting.push(trackSync(log));
    await flushMicrotasks();

    expect(storage.syncCalls).toBe(1);
    expect(waiting.map((sync) => sync.state)).toEqual(['pending', 'pending', 'pending']);

    storage.completeSync();
    await flushMicrotasks();
    expect(inFlight.state).toBe('resolved');
    expect(log.syncedThrough).toBe(0);
    expect(waiting.map((sync) => sync.state)).toEqual(['pending', 'pending', 'pending']);
    expect(storage.syncCalls).toBe(2);

    storage.completeSync();
    await flushMicrotasks();
    expect(waiting.map((sync) => sync.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(log.syncedThrough).toBe(2);
    expect(storage.syncCalls).toBe(2);
  });

  it('covers appends made while the next sync waits', async () => {
    const storage = new ManualStorage();
    const { log } = await RecordLog.open(storage, noopLogger);
    log.append(textPayload('a'));
    void log.sync();
    log.append(textPayload('b'));
    const waiting = trackSync(log);
    log.append(textPayload('c'));

    storage.completeSync();
    await flushMicrotasks();
    storage.completeSync();
    await flushMicrotasks();

    expect(waiting.state).toBe('resolved');
    expect(log.syncedThrough).toBe(2);
    expect(log.hasPending).toBe(false);
    expect(storage.syncCalls).toBe(2);
  });

  it('fails every later call after a storage sync fails', async () => {
    const storage = new ManualStorage();
    const logger = new MemoryLogger();
    const { log } = await RecordLog.open(storage, logger);
    log.append(textPayload('a'));
    const inFlight = trackSync(log);
    log.append(textPayload('b'));
    const waiting = trackSync(log);

    storage.failSync(new Error('EIO: i/o error'));
    await flushMicrotasks();

    expect(inFlight.state).toBe('rejected');
    expect(waiting.state).toBe('rejected');
    expect(storage.syncCalls).toBe(1);
    expect(log.syncedThrough).toBe(-1);
    expect(() => log.append(textPayload('c'))).toThrow(/record log sync failed \(Error: EIO: i\/o error\)/);
    await expect(log.sync()).rejects.toThrow(/restart the process/);
    expect(logger.atLevel('error').map((entry) => entry.message)).toEqual(['record log sync failed']);
  });

  it('opens through openRecordLog', async () => {
    const storage = new ManualStorage(encodeRecords([textPayload('a')]).bytes);

    const { log, records } = await openRecordLog(storage, noopLogger);

    expect(textsOf(records)).toEqual(['a']);
    expect(log.append(textPayload('b'))).toBe(1);
  });
});

describe('RecordLog on a simulated disk', () => {
  it('makes many appends durable with one disk sync', async () => {
    const { clock, trace, disk } = simDisk(QUIET_DISK, 1);
    const storage = new CountingStorage(disk.open());
    const { log } = await settle(clock, RecordLog.open(storage, noopLogger));

    for (let index = 0; index < 20; index++) {
      log.append(textPayload(`record ${index}`));
    }
    const syncs = Array.from({ length: 8 }, () => log.sync());
    await settle(clock, Promise.all(syncs));

    expect(storage.appends).toBe(20);
    expect(storage.syncs).toBe(1);
    expect(trace.lines().filter((line) => line.includes(' disk-sync-start ')).length).toBe(1);
    expect(disk.unsyncedByteCount()).toBe(0);
    expect(log.syncedThrough).toBe(19);
  });

  it('recovers synced records after a restart', async () => {
    const { clock, disk } = simDisk(QUIET_DISK, 2);
    const first = await settle(clock, RecordLog.open(disk.open(), noopLogger));
    first.log.append(textPayload('a'));
    first.log.append(textPayload('b'));
    await settle(clock, first.log.sync());
    first.log.append(textPayload('lost'));
    disk.crash();

    const second = await settle(clock, RecordLog.open(disk.open(), noopLogger));

    expect(textsOf(second.records)).toEqual(['a', 'b']);
    expect(second.discarded).toBeUndefined();
    expect(second.log.append(textPayload('c'))).toBe(2);
  });

  it('warns about and cuts off a torn tail', async () => {
    const { clock, disk } = simDisk({ ...QUIET_DISK, tornWriteRate: 1 }, 3);
    const first = await settle(clock, RecordLog.open(disk.open(), noopLogger));
    first.log.append(textPayload('synced'));
    await settle(clock, first.log.sync());
    const syncedLength = disk.durableBytes().length;
    first.log.append(textPayload('secret payload that must not be logged'));
    const crash = disk.crash();
    expect(crash.keptLength, 'this seed must tear the unsynced record').toBeLessThan(crash.unsyncedLength);
    expect(crash.keptLength).toBeGreaterThan(0);

    const logger = new MemoryLogger();
    const storage = new CountingStorage(disk.open());
    const second = await settle(clock, RecordLog.open(storage, logger));

    expect(textsOf(second.records)).toEqual(['synced']);
    expect(second.discarded).toEqual({ offset: syncedLength, bytes: crash.keptLength, reason: second.discarded?.reason });
    expect(['short-header', 'short-payload']).toContain(second.discarded?.reason);
    expect(storage.truncates).toBe(1);
    expect(disk.durableBytes().length).toBe(syncedLength);

    const warnings = logger.atLevel('warn');
    expect(warnings.length).toBe(1);
    expect(warnings[0]?.fields).toEqual({
      offset: syncedLength,
      bytes: crash.keptLength,
      reason: second.discarded?.reason,
      records: 1,
    });
    expect(JSON.stringify(logger.entries)).not.toContain('secret');
  });

  it('leaves a clean log uncut and unwarned', async () => {
    const { clock, disk } = simDisk(QUIET_DISK, 4);
    const first = await settle(clock, RecordLog.open(disk.open(), noopLogger));
    first.log.append(textPayload('a'));
    await settle(clock, first.log.sync());
    disk.crash();

    const logger = new MemoryLogger();
    const storage = new CountingStorage(disk.open());
    await settle(clock, RecordLog.open(storage, logger));

    expect(storage.truncates).toBe(0);
    expect(logger.atLevel('warn')).toEqual([]);
  });
});
