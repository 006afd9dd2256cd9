/** The `Clock` port on the process's monotonic clock and Node timers. */
import { performance } from 'node:perf_hooks';
import type { Clock, TimerId } from '../ports.ts';

/** Largest delay one Node timer accepts, in milliseconds (2^31 - 1). Node fires a timer with a
 * larger delay after 1 ms, so a longer delay is waited for by several timers in turn. */
const NODE_TIMER_DELAY_MS_MAX = 2_147_483_647;

export class RealClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<TimerId, NodeJS.Timeout>();

  /** Milliseconds since the process started, from `performance.now()`, which never decreases. */
  now(): number {
    return performance.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerId {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new RangeError(`invalid timer delay ${delayMs} ms: use a finite number of milliseconds, at least 0`);
    }

    const id = this.nextId++ as TimerId;
    this.schedule(id, performance.now() + delayMs, callback);
    return id;
  }

  clearTimer(id: TimerId): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** Returns the number of timers set and not yet fired or cleared. */
  pendingCount(): number {
    return this.timers.size;
  }

  private schedule(id: TimerId, dueMs: number, callback: () => void): void {
    const remaining = Math.max(0, dueMs - performance.now());
    const timer = setTimeout(() => {
      // Node may fire up to about a millisecond before performance.now() reaches the due time,
      // because its timers run on a coarser clock; waiting for the rest keeps the port's promise.
      if (performance.now() < dueMs) {
        this.schedule(id, dueMs, callback);
        return;
      }
      this.timers.delete(id);
      callback();
    }, Math.min(remaining, NODE_TIMER_DELAY_MS_MAX));
    this.timers.set(id, timer);
  }
}
