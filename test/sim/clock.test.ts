import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcessClock, SimClock } from '../../impl/sim/clock.ts';
import { propertyOptions } from './seed.ts';

describe('SimClock', () => {
  it('starts at time 0', () => {
    expect(new SimClock().now()).toBe(0);
  });

  it('fires timers in due order', async () => {
    const clock = new SimClock();
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c'));
    clock.setTimer(10, () => fired.push('a'));
    clock.setTimer(20, () => fired.push('b'));

    const result = await clock.runUntilIdle();

    expect(fired).toEqual(['a', 'b', 'c']);
    expect(result).toEqual({ fired: 3, stop: 'idle' });
    expect(clock.now()).toBe(30);
  });

  it('breaks same-time ties by setting order', async () => {
    const clock = new SimClock();
    const fired: number[] = [];
    for (let index = 0; index < 20; index++) {
      clock.setTimer(5, () => fired.push(index));
    }

    await clock.runUntilIdle();

    expect(fired).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('shows the due time inside a callback', async () => {
    const clock = new SimClock();
    const seen: number[] = [];
    clock.setTimer(2.5, () => seen.push(clock.now()));
    clock.setTimer(7, () => seen.push(clock.now()));

    await clock.runUntilIdle();

    expect(seen).toEqual([2.5, 7]);
  });

  it('queues a zero-delay timer after same-time ones', async () => {
    const clock = new SimClock();
    const fired: string[] = [];
    clock.setTimer(1, () => {
      fired.push('first');
      clock.setTimer(0, () => fired.push('nested'));
    });
    clock.setTimer(1, () => fired.push('second'));

    await clock.runUntilIdle();

    expect(fired).toEqual(['first', 'second', 'nested']);
    expect(clock.now()).toBe(1);
  });

  it('skips a cleared timer', async () => {
    const clock = new SimClock();
    const fired: string[] = [];
    const id = clock.setTimer(1, () => fired.push('cleared'));
    clock.setTimer(2, () => fired.push('kept'));
    clock.clearTimer(id);

    expect(clock.pendingCount()).toBe(1);
    await clock.runUntilIdle();

    expect(fired).toEqual(['kept']);
  });

  it('ignores clearing a fired timer', async () => {
    const clock = new SimClock();
    const id = clock.setTimer(1, () => undefined);
    await clock.runUntilIdle();

    clock.clearTimer(id);

    expect(clock.pendingCount()).toBe(0);
  });

  it('reports the next due time', () => {
    const clock = new SimClock();
    expect(clock.nextDue()).toBeUndefined();

    const early = clock.setTimer(4, () => undefined);
    clock.setTimer(9, () => undefined);
    expect(clock.nextDue()).toBe(4);

    clock.clearTimer(early);
    expect(clock.nextDue()).toBe(9);
  });

  it('steps one timer at a time', () => {
    const clock = new SimClock();
    const fired: number[] = [];
    clock.setTimer(1, () => fired.push(1));
    clock.setTimer(2, () => fired.push(2));

    expect(clock.step()).toBe(true);
    expect(fired).toEqual([1]);
    expect(clock.now()).toBe(1);
    expect(clock.step()).toBe(true);
    expect(clock.step()).toBe(false);
    expect(fired).toEqual([1, 2]);
  });

  it('runs for a duration only', async () => {
    const clock = new SimClock();
    const fired: number[] = [];
    clock.setTimer(5, () => fired.push(5));
    clock.setTimer(10, () => fired.push(10));
    clock.setTimer(10.5, () => fired.push(10.5));

    const result = await clock.runFor(10);

    expect(fired).toEqual([5, 10]);
    expect(result).toEqual({ fired: 2, stop: 'deadline' });
    expect(clock.now()).toBe(10);
    expect(clock.pendingCount()).toBe(1);
  });

  it('advances to a time with no timers', async () => {
    const clock = new SimClock();

    await clock.advanceTo(123.25);

    expect(clock.now()).toBe(123.25);
  });

  it('rejects moving back in time', async () => {
    const clock = new SimClock();
    await clock.advanceTo(10);

    await expect(clock.advanceTo(9)).rejects.toThrow(/invalid target time 9 ms/);
    await expect(clock.runFor(-1)).rejects.toThrow(/invalid duration -1 ms/);
  });

  it('rejects invalid timer delays', () => {
    const clock = new SimClock();
    expect(() => clock.setTimer(-1, () => undefined)).toThrow(/invalid timer delay -1 ms/);
    expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow(/invalid timer delay/);
    expect(() => clock.setTimer(Number.POSITIVE_INFINITY, () => undefined)).toThrow(/invalid timer delay/);
  });

  it('sets absolute timers exactly', async () => {
    const clock = new SimClock();
    const seen: number[] = [];
    await clock.advanceTo(0.1);
    clock.setTimerAt(0.3, () => seen.push(clock.now()));

    await clock.runUntilIdle();

    expect(seen).toEqual([0.3]);
    expect(() => clock.setTimerAt(0.2, () => undefined)).toThrow(/invalid timer due time 0.2 ms/);
  });

  it('stops a run at the event limit', async () => {
    const clock = new SimClock();
    let count = 0;
    const tick = (): void => {
      count++;
      clock.setTimer(1, tick);
    };
    clock.setTimer(1, tick);

    const result = await clock.runUntilIdle(50);

    expect(result).toEqual({ fired: 50, stop: 'limit' });
    expect(count).toBe(50);
    expect(clock.now()).toBe(50);
  });

  it('stops advanceTo at the event limit', async () => {
    const clock = new SimClock();
    const spin = (): void => {
      clock.setTimer(0, spin);
    };
    clock.setTimer(1, spin);

    const result = await clock.advanceTo(100, 10);

    expect(result).toEqual({ fired: 10, stop: 'limit' });
    expect(clock.now()).toBe(1);
  });

  it('runs promise continuations before the next timer', async () => {
    const clock = new SimClock();
    const order: string[] = [];
    const waited = new Promise<void>((resolve) => clock.setTimer(1, resolve));
    void waited.then(async () => {
      order.push('continuation');
      await Promise.resolve();
      order.push('second continuation');
    });
    clock.setTimer(1, () => order.push('next timer'));

    await clock.runUntilIdle();

    expect(order).toEqual(['continuation', 'second continuation', 'next timer']);
  });

  it('runs long continuation chains before the next timer', async () => {
    const clock = new SimClock();
    const order: string[] = [];
    const waited = new Promise<void>((resolve) => clock.setTimer(1, resolve));
    void waited.then(async () => {
      for (let hop = 0; hop < 10_000; hop++) {
        await Promise.resolve();
      }
      order.push('chain done');
    });
    clock.setTimer(1, () => order.push('next timer'));

    await clock.runUntilIdle();

    expect(order).toEqual(['chain done', 'next timer']);
  });

  it('runs continuations queued before a run starts', async () => {
    const clock = new SimClock();
    const order: string[] = [];
    void (async () => {
      for (let hop = 0; hop < 1_000; hop++) {
        await Promise.resolve();
      }
      order.push('chain done');
    })();
    clock.setTimer(0, () => order.push('timer'));

    await clock.runUntilIdle();

    expect(order).toEqual(['chain done', 'timer']);
  });

  it('lets real timers run during a long run', async () => {
    const clock = new SimClock();
    const tick = (): void => {
      clock.setTimer(1, tick);
    };
    clock.setTimer(1, tick);
    let realTimerFired = false;
    setTimeout(() => {
      realTimerFired = true;
    }, 0);

    await clock.runFor(20_000);

    expect(realTimerFired).toBe(true);
  });

  it('fires random timers sorted by due time then order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), async (delays) => {
        const clock = new SimClock();
        const fired: Array<{ due: number; order: number }> = [];
        delays.forEach((delay, order) => clock.setTimer(delay, () => fired.push({ due: clock.now(), order })));

        await clock.runUntilIdle();

        const expected = delays
          .map((due, order) => ({ due, order }))
          .sort((left, right) => left.due - right.due || left.order - right.order);
        expect(fired).toEqual(expected);
      }),
      propertyOptions(),
    );
  });
});

describe('ProcessClock', () => {
  it('fires its own timers', async () => {
    const shared = new SimClock();
    const process = new ProcessClock(shared);
    const fired: number[] = [];
    process.setTimer(3, () => fired.push(process.now()));

    expect(process.pendingCount()).toBe(1);
    await shared.runUntilIdle();

    expect(fired).toEqual([3]);
    expect(process.pendingCount()).toBe(0);
  });

  it('cancels every timer on cancelAll', async () => {
    const shared = new SimClock();
    const process = new ProcessClock(shared);
    const other = new ProcessClock(shared);
    const fired: string[] = [];
    process.setTimer(1, () => fired.push('process'));
    process.setTimer(2, () => fired.push('process'));
    other.setTimer(3, () => fired.push('other'));

    process.cancelAll();
    process.setTimer(1, () => fired.push('after cancel'));
    await shared.runUntilIdle();

    expect(fired).toEqual(['other']);
    expect(process.pendingCount()).toBe(0);
  });

  it('clears only its own timers', async () => {
    const shared = new SimClock();
    const process = new ProcessClock(shared);
    const fired: string[] = [];
    const foreign = shared.setTimer(1, () => fired.push('foreign'));

    process.clearTimer(foreign);
    await shared.runUntilIdle();

    expect(fired).toEqual(['foreign']);
  });
});
