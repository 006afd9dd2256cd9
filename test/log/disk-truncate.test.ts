import { describe, expect, it } from 'vitest';
import { flushMicrotasks, settle, simDisk } from './support.ts';

const DISK = { syncLatencyMsMin: 2, syncLatencyMsMax: 2, loadLatencyMs: 1, tornWriteRate: 0 };

const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Opens a disk holding the durable bytes 1, 2, 3, 4. */
const diskWithFourBytes = async () => {
  const setup = simDisk(DISK, 1);
  const storage = setup.disk.open();
  storage.append(bytesOf(1, 2, 3, 4));
  await settle(setup.clock, storage.sync());
  return { ...setup, storage };
};

describe('SimDisk truncate', () => {
  it('cuts the durable bytes and resolves after a sync latency', async () => {
    const { clock, trace, disk, storage } = await diskWithFourBytes();
    const start = clock.now();

    let resolvedAt: number | undefined;
    void storage.truncate(1).then(() => {
      resolvedAt = clock.now();
    });
    expect([...disk.durableBytes()]).toEqual([1]);
    await clock.runUntilIdle();

    expect(resolvedAt).toBe(start + 2);
    expect(trace.lines().some((line) => line.endsWith('disk-truncate owner durable=1 removed=3'))).toBe(true);
  });

  it('appends after the cut', async () => {
    const { clock, disk, storage } = await diskWithFourBytes();
    await settle(clock, storage.truncate(2));

    storage.append(bytesOf(9));
    await settle(clock, storage.sync());

    expect([...disk.durableBytes()]).toEqual([1, 2, 9]);
    expect([...(await settle(clock, storage.load()))]).toEqual([1, 2, 9]);
  });

  it('keeps the cut through a crash', async () => {
    const { disk, storage } = await diskWithFourBytes();
    let settled = false;
    void storage.truncate(0).then(() => {
      settled = true;
    });

    disk.crash();
    await flushMicrotasks();

    expect(settled).toBe(false);
    expect([...disk.durableBytes()]).toEqual([]);
  });

  it('rejects a length past the durable bytes', async () => {
    const { storage } = await diskWithFourBytes();

    expect(() => storage.truncate(5)).toThrow(/invalid truncate length 5 .*durable length \(4\)/);
    expect(() => storage.truncate(-1)).toThrow(RangeError);
    expect(() => storage.truncate(1.5)).toThrow(RangeError);
  });

  it('rejects a cut with unsynced bytes', async () => {
    const { disk, storage } = await diskWithFourBytes();
    storage.append(bytesOf(5));

    expect(() => storage.truncate(2)).toThrow(/1 unsynced bytes/);
    expect(disk.durableBytes().length).toBe(4);
  });

  it('rejects a cut while a sync is pending', async () => {
    const { clock, disk, storage } = await diskWithFourBytes();
    void storage.sync();

    expect(() => storage.truncate(2)).toThrow(/1 pending syncs/);
    await clock.runUntilIdle();
    expect(disk.durableBytes().length).toBe(4);
  });

  it('rejects an append while a cut is pending', async () => {
    const { clock, storage } = await diskWithFourBytes();
    void storage.truncate(2);

    expect(() => storage.append(bytesOf(5))).toThrow(/truncate is pending/);
    await clock.runUntilIdle();
    expect(() => storage.append(bytesOf(5))).not.toThrow();
  });

  it('ignores a truncate through a stale storage', async () => {
    const { clock, disk, storage } = await diskWithFourBytes();
    disk.crash();
    disk.open();

    let settled = false;
    void storage.truncate(0).then(() => {
      settled = true;
    });
    await clock.runUntilIdle();

    expect(settled).toBe(false);
    expect(disk.durableBytes().length).toBe(4);
  });
});
