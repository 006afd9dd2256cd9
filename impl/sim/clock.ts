/**
 * Simulated time: a queue of timers ordered by (due time, order of setting). Time moves only when
 * a run method fires the next timer, so a whole simulation is a deterministic function of its
 * seed and script. Nothing here reads the real clock.
 */
import type { Clock, TimerId } from '../ports.ts';
import { CLOCK_EVENTS_PER_LOOP_TURN, CLOCK_RUN_EVENTS_MAX } from './defaults.ts';

interface TimerEntry {
  readonly id: TimerId;
  readonly due: number;
  readonly sequence: number;
  readonly callback: () => void;
  /** The process view that set the timer, or undefined when it was set on the shared clock. */
  readonly owner: ProcessClock | undefined;
}

/** Why a run stopped: no timer was left, the target time was reached, or the event limit. */
export type RunStop = 'idle' | 'deadline' | 'limit';

export interface RunResult {
  /** Number of timers fired by the run. */
  readonly fired: number;
  readonly stop: RunStop;
}

/**
 * The simulated clock shared by a whole simulation. `step()` is synchronous. The run methods are
 * async because after each timer they let pending promise continuations (such as code after
 * `await storage.sync()`) finish before the next timer fires, all at the same simulated time.
 */
export class SimClock implements Clock {
  private time = 0;
  private sequence = 0;
  private nextId = 1;
  private readonly heap: TimerEntry[] = [];
  private readonly live = new Map<TimerId, TimerEntry>();

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, callback: () => void): TimerId {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new RangeError(`invalid timer delay ${delayMs} ms: use a finite number of milliseconds, at least 0`);
    }

    return this.setTimerAt(this.time + delayMs, callback);
  }

  /** Sets a timer for `owner`, which `cancelOwnedBy(owner)` clears with every other of its timers. */
  setOwnedTimer(delayMs: number, callback: () => void, owner: ProcessClock): TimerId {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) {
      throw new RangeError(`invalid timer delay ${delayMs} ms: use a finite number of milliseconds, at least 0`);
    }
    return this.addEntry(this.time + delayMs, callback, owner);
  }

  /** Calls `callback` once at the absolute simulated time `dueMs`, which must not be in the
   * past. Unlike `setTimer(dueMs - now())`, it hits `dueMs` exactly, with no rounding. */
  setTimerAt(dueMs: number, callback: () => void): TimerId {
    if (!(Number.isFinite(dueMs) && dueMs >= this.time)) {
      throw new RangeError(`invalid timer due time ${dueMs} ms: use a finite time at or after now (${this.time} ms)`);
    }

    return this.addEntry(dueMs, callback, undefined);
  }

  private addEntry(dueMs: number, callback: () => void, owner: ProcessClock | undefined): TimerId {
    const id = this.nextId++ as TimerId;
    const entry: TimerEntry = { id, due: dueMs, sequence: this.sequence++, callback, owner };
    this.live.set(id, entry);
    pushEntry(this.heap, entry);
    return id;
  }

  clearTimer(id: TimerId): void {
    // The entry stays in the heap and is skipped when it reaches the top.
    this.live.delete(id);
  }

  /** Clears the pending timer `id` if `owner` set it. */
  clearOwnedTimer(id: TimerId, owner: ProcessClock): void {
    if (this.live.get(id)?.owner === owner) {
      this.live.delete(id);
    }
  }

  /** Returns the number of pending timers `owner` set. It reads every pending timer. */
  ownedCount(owner: ProcessClock): number {
    let count = 0;
    for (const entry of this.live.values()) {
      count += entry.owner === owner ? 1 : 0;
    }
    return count;
  }

  /** Clears every pending timer `owner` set. It reads every pending timer, and a process view
   * calls it once, when its process crashes or stops. */
  cancelOwnedBy(owner: ProcessClock): void {
    for (const entry of this.live.values()) {
      if (entry.owner === owner) {
        this.live.delete(entry.id);
      }
    }
  }

  /** Returns the number of timers set and not yet fired or cleared. */
  pendingCount(): number {
    return this.live.size;
  }

  /** Returns the due time of the next timer to fire, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.peekLive()?.due;
  }

  /**
   * Fires the next pending timer, moving time forward to its due time. Returns false when none is
   * pending. Promise continuations started by the callback run only after this returns, so
   * simulations driven by promises use the run methods instead.
   */
  step(): boolean {
    const entry = this.peekLive();
    if (entry === undefined) {
      return false;
    }

    popEntry(this.heap);
    this.live.delete(entry.id);
    this.time = entry.due;
    entry.callback();
    return true;
  }

  /** Fires timers until none is pending or `eventsMax` have fired. */
  async runUntilIdle(eventsMax: number = CLOCK_RUN_EVENTS_MAX): Promise<RunResult> {
    checkEventsMax(eventsMax);

    let fired = 0;
    return driveEvents((): Finished<RunResult> | undefined => {
      if (this.live.size === 0) {
        return { value: { fired, stop: 'idle' } };
      }
      if (fired >= eventsMax) {
        return { value: { fired, stop: 'limit' } };
      }
      this.step();
      fired++;
      return undefined;
    });
  }

  /**
   * Fires every timer due at or before `time`, then sets the clock to `time`. Stops early, with
   * the clock at the last fired timer, once `eventsMax` timers have fired.
   */
  async advanceTo(time: number, eventsMax: number = CLOCK_RUN_EVENTS_MAX): Promise<RunResult> {
    if (!(Number.isFinite(time) && time >= this.time)) {
      throw new RangeError(`invalid target time ${time} ms: use a finite time at or after now (${this.time} ms)`);
    }
    checkEventsMax(eventsMax);

    let fired = 0;
    return driveEvents((): Finished<RunResult> | undefined => {
      const due = this.nextDue();
      if (due === undefined || due > time) {
        this.time = time;
        return { value: { fired, stop: 'deadline' } };
      }
      if (fired >= eventsMax) {
        return { value: { fired, stop: 'limit' } };
      }
      this.step();
      fired++;
      return undefined;
    });
  }

  /**
   * Fires timers, one at a time with promise continuations run in between, until `promise`
   * settles; returns its value or rethrows its error. Throws when no timer is pending and the
   * promise is still unsettled (nothing could ever settle it), or after `eventsMax` timers.
   */
  async runUntilSettled<T>(promise: Promise<T>, eventsMax: number = CLOCK_RUN_EVENTS_MAX): Promise<T> {
    checkEventsMax(eventsMax);
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);

    let fired = 0;
    await driveEvents((): Finished<undefined> | undefined => {
      if (settled) {
        return { value: undefined };
      }
      if (fired >= eventsMax) {
        throw new Error(`simulation fired ${eventsMax} timers without the awaited operation finishing; raise eventsMax or look for a retry loop`);
      }
      if (!this.step()) {
        throw new Error(`simulation deadlocked at ${this.time} ms: no timer is pending and the awaited operation has not finished`);
      }
      fired++;
      return undefined;
    });
    return watched;
  }

  /** Fires every timer due within the next `durationMs` milliseconds, then moves time by that much. */
  async runFor(durationMs: number, eventsMax: number = CLOCK_RUN_EVENTS_MAX): Promise<RunResult> {
    if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
      throw new RangeError(`invalid duration ${durationMs} ms: use a finite number of milliseconds, at least 0`);
    }
    return this.advanceTo(this.time + durationMs, eventsMax);
  }

  private peekLive(): TimerEntry | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || this.live.has(top.id)) {
        return top;
      }
      popEntry(this.heap);
    }
  }
}

/**
 * A view of a shared clock for one process incarnation. The shared clock tags each timer with the
 * view that set it, so that a crash can cancel them all at once: a crashed process runs no more code.
 */
export class ProcessClock implements Clock {
  private stopped = false;

  constructor(private readonly clock: SimClock) {}

  now(): number {
    return this.clock.now();
  }

  /** Sets a timer on the shared clock. After `cancelAll()` nothing is set and a placeholder id
   * is returned, because the calling process no longer exists. */
  setTimer(delayMs: number, callback: () => void): TimerId {
    if (this.stopped) {
      return STOPPED_TIMER_ID;
    }
    return this.clock.setOwnedTimer(delayMs, callback, this);
  }

  clearTimer(id: TimerId): void {
    this.clock.clearOwnedTimer(id, this);
  }

  /** Returns the number of timers this view set that have not fired or been cleared. */
  pendingCount(): number {
    return this.clock.ownedCount(this);
  }

  /** Clears every pending timer of this view and ignores any later ones. */
  cancelAll(): void {
    this.stopped = true;
    this.clock.cancelOwnedBy(this);
  }
}

/** Id returned by a stopped `ProcessClock`. `SimClock` numbers its timers from 1, so it never
 * names a real timer. */
const STOPPED_TIMER_ID = 0 as TimerId;

const checkEventsMax = (eventsMax: number): void => {
  if (!(Number.isSafeInteger(eventsMax) && eventsMax >= 0)) {
    throw new RangeError(`invalid event limit ${eventsMax}: use a non-negative integer`);
  }
};

/** The result of a run, wrapped so that `undefined` can mean that the run goes on. */
interface Finished<T> {
  readonly value: T;
}

/**
 * Calls `next` once every queued promise continuation has run, again and again until it returns
 * a result or throws, and settles with that. `next` fires at most one timer per call. Callbacks
 * drive the loop because `await` in a loop allocated about 700 bytes per event.
 */
const driveEvents = <T>(next: () => Finished<T> | undefined): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onSettled = (): void => {
      let finished: Finished<T> | undefined;
      try {
        finished = next();
      } catch (error) {
        reject(error);
        return;
      }
      if (finished === undefined) {
        afterContinuations(onSettled);
      } else {
        resolve(finished.value);
      }
    };
    afterContinuations(onSettled);
  });

/** Simulated events fired, over all clocks, since the last turn of the real event loop. */
let eventsSinceLoopTurn = 0;

/** A promise that is already fulfilled, to queue microtasks from. */
const FULFILLED = Promise.resolve();

/**
 * Calls `callback` after every queued promise continuation has run, including the continuations
 * those start, however long the chain. Simulated time stays where it is.
 *
 * The microtask queued first runs inside one of Node's microtask checkpoints, and V8 drains the
 * whole microtask queue in a checkpoint, new entries included. Node runs `process.nextTick`
 * callbacks only between checkpoints, so a callback set from inside one runs once the queue is
 * empty. Without the microtask first, a `nextTick` callback set from a timer, I/O or `nextTick`
 * callback would run before the microtasks queued there.
 *
 * This costs far less than waiting for a `setImmediate` callback, which takes a turn of the
 * event loop. A turn is still taken every CLOCK_EVENTS_PER_LOOP_TURN events, so that a long
 * simulation does not hold off real timers, signals and output. The simulator's ports never wait
 * for the real event loop (test/sim/purity.test.ts bans real timers here), so which events take a
 * turn does not change a simulation of code that reaches the outside only through them.
 *
 * NOTE: a continuation that waits for another `nextTick` callback may run only after `callback`.
 * Nothing in the simulator or in the code it runs uses `nextTick`.
 */
const afterContinuations = (callback: () => void): void => {
  eventsSinceLoopTurn++;
  if (eventsSinceLoopTurn >= CLOCK_EVENTS_PER_LOOP_TURN) {
    eventsSinceLoopTurn = 0;
    // Node drains the whole microtask queue before it runs a `setImmediate` callback too.
    setImmediate(callback);
    return;
  }
  void FULFILLED.then(() => process.nextTick(callback));
};

const isBefore = (left: TimerEntry, right: TimerEntry): boolean =>
  left.due < right.due || (left.due === right.due && left.sequence < right.sequence);

const pushEntry = (heap: TimerEntry[], entry: TimerEntry): void => {
  heap.push(entry);

  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    const parentEntry = heap[parent] as TimerEntry;
    if (!isBefore(entry, parentEntry)) {
      break;
    }
    heap[index] = parentEntry;
    index = parent;
  }
  heap[index] = entry;
};

const popEntry = (heap: TimerEntry[]): void => {
  const last = heap.pop();
  if (last === undefined || heap.length === 0) {
    return;
  }

  let index = 0;
  for (;;) {
    const left = 2 * index + 1;
    const right = left + 1;
    let smallest = last;
    let smallestIndex = -1;

    const leftEntry = heap[left];
    if (leftEntry !== undefined && isBefore(leftEntry, smallest)) {
      smallest = leftEntry;
      smallestIndex = left;
    }
    const rightEntry = heap[right];
    if (rightEntry !== undefined && isBefore(rightEntry, smallest)) {
      smallest = rightEntry;
      smallestIndex = right;
    }
    if (smallestIndex === -1) {
      break;
    }

    heap[index] = smallest;
    index = smallestIndex;
  }
  heap[index] = last;
};
