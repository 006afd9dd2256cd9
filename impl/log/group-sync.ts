/**
 * Group commit over a flush that makes everything appended so far durable. One flush covers every
 * append made before it started. The callers of `sync()` who arrive while it is in flight, with
 * appends it does not cover, share a single next flush. Positions grow with each append and can
 * be byte lengths or record numbers.
 */
import { invariant } from '../../model/defect.ts';

export interface GroupSyncOptions {
  /** Position that is durable at the start. */
  readonly synced: number;
  /** Returns the position of the last append. */
  readonly appended: () => number;
  /** Makes everything appended before the call durable. */
  readonly flush: () => Promise<void>;
  /** Returns the error that every caller waiting for a failed flush gets. Called once per failed
   * flush, so the owner can record that it accepts nothing more. */
  readonly failure: (error: unknown) => Error;
}

interface InFlightFlush {
  /** Position that this flush makes durable. */
  readonly through: number;
  readonly done: Promise<void>;
}

interface QueuedFlush {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class GroupSync {
  private synced: number;
  private inFlight: InFlightFlush | undefined;
  /** The flush that starts when the one in flight completes, shared by every caller whose
   * appends the one in flight does not cover. */
  private queued: QueuedFlush | undefined;

  constructor(private readonly options: GroupSyncOptions) {
    this.synced = options.synced;
  }

  /** Position known to be durable. */
  get syncedThrough(): number {
    return this.synced;
  }

  /** Whether a flush is in flight. */
  get flushing(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Resolves once everything appended before the call is durable: at once when nothing is
   * pending, with the flush in flight when that one covers the appends, and otherwise with the
   * next flush. Rejects with the `failure` error when that flush fails.
   */
  sync(): Promise<void> {
    const target = this.options.appended();
    if (target <= this.synced) {
      return Promise.resolve();
    }
    if (this.inFlight === undefined) {
      return this.start();
    }
    if (this.inFlight.through >= target) {
      return this.inFlight.done;
    }

    this.queued ??= queuedFlush();
    return this.queued.done;
  }

  /** Returns the flush in flight, or a resolved promise when there is none. */
  current(): Promise<void> {
    return this.inFlight?.done ?? Promise.resolve();
  }

  /** Sets the durable position after the owner cut its log back to `position`. Only allowed
   * while no flush is in flight. */
  resetTo(position: number): void {
    invariant(this.inFlight === undefined, `reset the durable position to ${position} while a flush was in flight`);
    this.synced = position;
  }

  private start(): Promise<void> {
    invariant(this.inFlight === undefined, 'started a flush while another was in flight');

    const through = this.options.appended();
    const done = this.options.flush().then(
      () => this.complete(through),
      (error: unknown) => this.fail(error),
    );
    this.inFlight = { through, done };
    return done;
  }

  private complete(through: number): void {
    this.synced = Math.max(this.synced, through);
    this.inFlight = undefined;

    const next = this.queued;
    if (next !== undefined) {
      this.queued = undefined;
      this.start().then(next.resolve, next.reject);
    }
  }

  private fail(error: unknown): never {
    const failure = this.options.failure(error);
    this.inFlight = undefined;

    const next = this.queued;
    this.queued = undefined;
    next?.reject(failure);
    throw failure;
  }
}

const queuedFlush = (): QueuedFlush => {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { done, resolve, reject };
};
