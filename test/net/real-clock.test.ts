import { describe, expect, it } from 'vitest';
import { RealClock } from '../../impl/net/real-clock.ts';

describe('RealClock', () => {
  it('fires a timer no sooner than its delay', async () => {
    const clock = new RealClock();
    const started = clock.now();

    const firedAt = await new Promise<number>((resolve) => {
      clock.setTimer(30, () => resolve(clock.now()));
    });

    expect(firedAt - started).toBeGreaterThanOrEqual(29);
    expect(clock.pendingCount()).toBe(0);
  });

  it('a cleared timer never fires', async () => {
    const clock = new RealClock();
    let fired = false;

    const id = clock.setTimer(10, () => {
      fired = true;
    });
    clock.clearTimer(id);
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(fired).toBe(false);
    expect(clock.pendingCount()).toBe(0);
  });

  it('now never decreases', () => {
    const clock = new RealClock();
    let previous = clock.now();
    for (let index = 0; index < 10_000; index += 1) {
      const current = clock.now();
      expect(current).toBeGreaterThanOrEqual(previous);
      previous = current;
    }
  });

  it('rejects invalid delays', () => {
    const clock = new RealClock();

    expect(() => clock.setTimer(-1, () => undefined)).toThrow(/invalid timer delay -1 ms/);
    expect(() => clock.setTimer(Number.NaN, () => undefined)).toThrow(RangeError);
    expect(() => clock.setTimer(Number.POSITIVE_INFINITY, () => undefined)).toThrow(RangeError);
  });

  it('a delay past the Node timer range stays pending', async () => {
    const clock = new RealClock();
    let fired = false;

    const id = clock.setTimer(2 ** 31 + 10, () => {
      fired = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(fired).toBe(false);
    expect(clock.pendingCount()).toBe(1);
    clock.clearTimer(id);
    expect(clock.pendingCount()).toBe(0);
  });
});
