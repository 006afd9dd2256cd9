/** Group commit: which callers share a flush, and what they get when it fails. */
import { describe, expect, it } from 'vitest';
import { GroupSync } from '../../impl/log/group-sync.ts';

interface Harness {
  readonly group: GroupSync;
  /** Position of the last append, which each test moves by hand. */
  readonly position: { appended: number };
  /** One entry per flush started, with the function that ends it. */
  readonly flushes: Array<{ readonly finish: (error?: Error) => void }>;
  readonly failures: unknown[];
}

const harness = (synced = 0): Harness => {
  const position = { appended: synced };
  const flushes: Harness['flushes'] = [];
  const failures: unknown[] = [];
  const group = new GroupSync({
    synced,
    appended: () => position.appended,
    flush: () =>
      new Promise<void>((resolve, reject) => {
        flushes.push({ finish: (error) => (error === undefined ? resolve() : reject(error)) });
      }),
    failure: (error) => {
      failures.push(error);
      return new Error(`flush failed: ${String(error)}`);
    },
  });
  return { group, position, flushes, failures };
};

describe('GroupSync', () => {
  it('resolves at once when nothing is pending', async () => {
    const { group, flushes } = harness(5);

    await group.sync();

    expect(flushes).toHaveLength(0);
  });

  it('joins a flush that covers the caller', async () => {
    const state = harness();
    state.position.appended = 1;
    const first = state.group.sync();
    const second = state.group.sync();

    expect(second).toBe(first);
    expect(state.flushes).toHaveLength(1);
    state.flushes[0]?.finish();
    await Promise.all([first, second]);
    expect(state.group.syncedThrough).toBe(1);
  });

  it('shares one next flush among later callers', async () => {
    const state = harness();
    state.position.appended = 1;
    const first = state.group.sync();
    state.position.appended = 2;
    const second = state.group.sync();
    state.position.appended = 3;
    const third = state.group.sync();

    expect(third).toBe(second);
    expect(state.flushes).toHaveLength(1);
    state.flushes[0]?.finish();
    await first;
    expect(state.flushes).toHaveLength(2);
    state.flushes[1]?.finish();
    await Promise.all([second, third]);
    expect(state.group.syncedThrough).toBe(3);
  });

  it('fails the waiting and queued callers', async () => {
    const state = harness();
    state.position.appended = 1;
    const first = state.group.sync();
    state.position.appended = 2;
    const queued = state.group.sync();

    state.flushes[0]?.finish(new Error('EIO'));

    await expect(first).rejects.toThrow('flush failed: Error: EIO');
    await expect(queued).rejects.toThrow('flush failed: Error: EIO');
    expect(state.failures).toHaveLength(1);
    expect(state.flushes).toHaveLength(1);
    expect(state.group.flushing).toBe(false);
  });

  it('resets only while idle', async () => {
    const state = harness(4);
    state.group.resetTo(2);
    expect(state.group.syncedThrough).toBe(2);

    state.position.appended = 3;
    const pending = state.group.sync();
    expect(() => state.group.resetTo(0)).toThrow('while a flush was in flight');
    state.flushes[0]?.finish();
    await pending;
  });
});
