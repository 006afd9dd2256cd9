import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../impl/sim/clock.ts';
import { SimDisk, type DiskFaults } from '../../impl/sim/disk.ts';
import { SeededRandom } from '../../impl/sim/random.ts';
import { Trace } from '../../impl/sim/trace.ts';
import { propertyOptions } from './seed.ts';

const NO_TEARS: Partial<DiskFaults> = { syncLatencyMsMin: 2, syncLatencyMsMax: 2, loadLatencyMs: 1, tornWriteRate: 0 };

const setUp = (faults: Partial<DiskFaults> = NO_TEARS, seed: number | string = 1) => {
  const clock = new SimClock();
  const trace = new Trace(clock);
  const disk = new SimDisk('node', clock, new SeededRandom(seed).fork('disk/node'), trace, faults);
  return { clock, trace, disk, storage: disk.open() };
};

const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('SimDisk', () => {
  it('makes synced bytes durable', async () => {
    const { clock, disk, storage } = setUp();
    storage.append(bytesOf(1, 2));
    storage.append(bytesOf(3));

    let synced = false;
    void storage.sync().then(() => {
      synced = true;
    });
    expect([...disk.durableBytes()]).toEqual([]);
    await clock.runUntilIdle();

    expect(synced).toBe(true);
    expect(clock.now()).toBe(2);
    expect([...disk.durableBytes()]).toEqual([1, 2, 3]);
    expect(disk.unsyncedByteCount()).toBe(0);
  });

  it('copies appended bytes', async () => {
    const { clock, disk, storage } = setUp();
    const buffer = bytesOf(5);
    storage.append(buffer);
    buffer[0] = 6;

    void storage.sync();
    await clock.runUntilIdle();

    expect([...disk.durableBytes()]).toEqual([5]);
  });

  it('copies appended Buffers', async () => {
    const { clock, disk, storage } = setUp();
    const buffer = Buffer.from([5]);
    storage.append(buffer);
    buffer[0] = 6;

    void storage.sync();
    await clock.runUntilIdle();

    expect([...disk.durableBytes()]).toEqual([5]);
  });

  it('syncs only bytes appended before the call', async () => {
    const { clock, disk, storage } = setUp();
    storage.append(bytesOf(1));
    void storage.sync();
    storage.append(bytesOf(2));

    await clock.runUntilIdle();

    expect([...disk.durableBytes()]).toEqual([1]);
    expect(disk.unsyncedByteCount()).toBe(1);
  });

  it('loses unsynced bytes on crash', async () => {
    const { clock, disk, storage } = setUp();
    storage.append(bytesOf(1, 2));
    void storage.sync();
    await clock.runUntilIdle();
    storage.append(bytesOf(3, 4));

    const outcome = disk.crash();

    expect(outcome).toEqual({ unsyncedLength: 2, keptLength: 0 });
    expect([...disk.durableBytes()]).toEqual([1, 2]);
  });

  it('loses bytes whose sync is still pending', async () => {
    const { clock, disk, storage } = setUp();
    storage.append(bytesOf(1));
    let settled = false;
    void storage.sync().then(() => {
      settled = true;
    });
    await clock.runFor(1);

    disk.crash();
    await clock.runUntilIdle();

    expect(settled).toBe(false);
    expect([...disk.durableBytes()]).toEqual([]);
  });

  it('loads durable bytes after restart', async () => {
    const { clock, disk, storage } = setUp();
    storage.append(bytesOf(7, 8));
    void storage.sync();
    await clock.runUntilIdle();
    storage.append(bytesOf(9));
    disk.crash();

    const restarted = disk.open();
    let loaded: number[] | undefined;
    void restarted.load().then((bytes) => {
      loaded = [...bytes];
    });
    await clock.runUntilIdle();

    expect(loaded).toEqual([7, 8]);
  });

  it('loads unsynced bytes of the running process', async () => {
    const { clock, storage } = setUp();
    storage.append(bytesOf(1));
    void storage.sync();
    await clock.runUntilIdle();
    storage.append(bytesOf(2));

    let loaded: number[] | undefined;
    void storage.load().then((bytes) => {
      loaded = [...bytes];
    });
    await clock.runUntilIdle();

    expect(loaded).toEqual([1, 2]);
  });

  it('ignores a stale storage after crash', async () => {
    const { clock, trace, disk, storage } = setUp();
    disk.crash();
    const fresh = disk.open();

    storage.append(bytesOf(1));
    let staleSettled = false;
    void storage.sync().then(() => {
      staleSettled = true;
    });
    void storage.load().then(() => {
      staleSettled = true;
    });
    fresh.append(bytesOf(2));
    void fresh.sync();
    await clock.runUntilIdle();

    expect(staleSettled).toBe(false);
    expect([...disk.durableBytes()]).toEqual([2]);
    expect(trace.lines().some((line) => line.includes('disk-stale-append node length=1'))).toBe(true);
  });

  it('rejects opening an open disk', () => {
    const { disk } = setUp();
    expect(() => disk.open()).toThrow(/already open/);
    expect(disk.isOpen()).toBe(true);
    disk.crash();
    expect(disk.isOpen()).toBe(false);
  });

  it('completes syncs in call order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 2, max: 12 }), async (seed, count) => {
        const { clock, disk, storage } = setUp({ syncLatencyMsMin: 0, syncLatencyMsMax: 20, tornWriteRate: 0 }, seed);
        const completed: number[] = [];
        const durableAtCompletion: number[] = [];

        for (let index = 0; index < count; index++) {
          storage.append(bytesOf(index));
          void storage.sync().then(() => {
            completed.push(index);
            durableAtCompletion.push(disk.durableBytes().length);
          });
          await clock.runFor(1);
        }
        await clock.runUntilIdle();

        expect(completed).toEqual(Array.from({ length: count }, (_, index) => index));
        durableAtCompletion.forEach((length, index) => expect(length).toBeGreaterThanOrEqual(index + 1));
      }),
      propertyOptions(50),
    );
  });

  it('takes the configured sync latency', async () => {
    const { clock, storage } = setUp({ syncLatencyMsMin: 3, syncLatencyMsMax: 7, tornWriteRate: 0 });
    const latencies: number[] = [];

    for (let index = 0; index < 30; index++) {
      const start = clock.now();
      storage.append(bytesOf(index));
      void storage.sync().then(() => latencies.push(clock.now() - start));
      await clock.runUntilIdle();
    }

    expect(latencies).toHaveLength(30);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(7);
  });

  it('tears within the unsynced bytes at rate 1', async () => {
    const { clock, trace, disk, storage } = setUp({ ...NO_TEARS, tornWriteRate: 1 });
    storage.append(bytesOf(1, 1));
    void storage.sync();
    await clock.runUntilIdle();
    storage.append(bytesOf(2, 2, 2, 2, 2, 2, 2, 2));

    const outcome = disk.crash();

    expect(outcome.keptLength).toBeGreaterThanOrEqual(1);
    expect(outcome.keptLength).toBeLessThanOrEqual(8);
    expect([...disk.durableBytes()]).toEqual([1, 1, ...new Array<number>(outcome.keptLength).fill(2)]);
    expect(trace.lines().some((line) => line.includes(`disk-torn node kept=${outcome.keptLength} of=8`))).toBe(true);
  });

  it('tears the last write only sometimes', () => {
    let torn = 0;
    let partial = 0;
    let lost = 0;
    for (let seed = 0; seed < 400; seed++) {
      const { disk, storage } = setUp({ ...NO_TEARS, tornWriteRate: 0.5 }, seed);
      storage.append(new Uint8Array(16).fill(3));

      const { keptLength: kept } = disk.crash();

      if (kept === 0) {
        lost++;
      } else {
        torn++;
      }
      if (kept > 0 && kept < 16) {
        partial++;
      }
    }

    expect(lost).toBeGreaterThan(140);
    expect(torn).toBeGreaterThan(140);
    expect(partial).toBeGreaterThan(100);
  });

  it('never tears at rate 0', () => {
    for (let seed = 0; seed < 100; seed++) {
      const { disk, storage } = setUp(NO_TEARS, seed);
      storage.append(bytesOf(1, 2, 3));
      expect(disk.crash().keptLength).toBe(0);
      expect(disk.durableBytes().length).toBe(0);
    }
  });

  it('keeps only a prefix of appended bytes', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
      fc.record({ kind: fc.constant('sync' as const) }),
      fc.record({ kind: fc.constant('crash' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 6 }) }),
    );

    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.array(step, { maxLength: 40 }), async (seed, steps) => {
        const opened = setUp({ syncLatencyMsMin: 1, syncLatencyMsMax: 4, tornWriteRate: 0.5 }, seed);
        const { clock, disk } = opened;
        let storage = opened.storage;
        // Every byte the disk may hold: the durable bytes at the last crash plus everything
        // appended since.
        let written: number[] = [];

        for (const action of steps) {
          if (action.kind === 'append') {
            storage.append(action.bytes);
            written.push(...action.bytes);
          } else if (action.kind === 'sync') {
            void storage.sync();
          } else if (action.kind === 'wait') {
            await clock.runFor(action.ms);
          } else {
            const before = disk.durableBytes().length;
            const { unsyncedLength: unsynced, keptLength: kept } = disk.crash();
            const durable = [...disk.durableBytes()];

            expect(kept).toBeLessThanOrEqual(unsynced);
            expect(durable.length).toBe(before + kept);
            expect(durable).toEqual(written.slice(0, durable.length));
            written = durable;
            storage = disk.open();
          }

          const durable = [...disk.durableBytes()];
          expect(durable).toEqual(written.slice(0, durable.length));
        }
      }),
      propertyOptions(100),
    );
  });

  it('corrupts exactly the tail bytes', async () => {
    const { clock, trace, disk, storage } = setUp();
    const original = [10, 20, 30, 40, 50];
    storage.append(Uint8Array.from(original));
    void storage.sync();
    await clock.runUntilIdle();

    disk.corruptTail(2);

    const after = [...disk.durableBytes()];
    expect(after.slice(0, 3)).toEqual([10, 20, 30]);
    expect(after[3]).not.toBe(40);
    expect(after[4]).not.toBe(50);
    expect(trace.lines().some((line) => line.includes('disk-corrupt node bytes=2 durable=5'))).toBe(true);
  });

  it('rejects corrupting more than is durable', () => {
    const { disk, storage } = setUp();
    storage.append(bytesOf(1, 2));
    expect(() => disk.corruptTail(1)).toThrow(/invalid byte count 1 .*durable length \(0\)/);
    expect(() => disk.corruptTail(0)).toThrow(/invalid byte count 0/);
  });

  it('rejects invalid fault settings', () => {
    const { disk } = setUp();
    expect(() => disk.setFaults({ tornWriteRate: 1.1 })).toThrow(/invalid tornWriteRate 1.1/);
    expect(() => disk.setFaults({ syncLatencyMsMin: 3, syncLatencyMsMax: 2 })).toThrow(/invalid syncLatencyMsMax 2/);
    expect(() => disk.setFaults({ loadLatencyMs: -1 })).toThrow(/invalid loadLatencyMs -1/);
    expect(disk.faults()).toEqual(NO_TEARS);
  });
});
