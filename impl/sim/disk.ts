/**
 * A simulated disk holding one node's append-only log: durable bytes plus a buffer of unsynced
 * appends. A sync makes the bytes appended before it durable after a random simulated latency. A
 * crash loses the unsynced bytes, except that with probability `tornWriteRate` it keeps a random
 * non-empty prefix of them.
 *
 * The torn prefix is cut from all unsynced bytes, not only from the last append. Its length is
 * uniform from 1 to the unsynced length, so a crash may keep some appends whole and end inside a
 * later one, or, rarely, keep them all as a flush just before the crash would. Whatever is kept
 * is a prefix of what was appended, so a crash never adds bytes that were not appended.
 *
 * NOTE: this models a file system that writes appended data in file order. Holes, reordered
 * blocks and zero-filled tails, which some file systems leave after a crash, are not simulated
 * except through `corruptTail`.
 *
 * A truncate cuts the durable bytes at once and resolves after a sync latency. A real disk may
 * lose a cut that a crash interrupts, but the simulation always keeps it, which the `Storage`
 * contract allows.
 */
import { invariant } from '../../model/defect.ts';
import type { Storage, TimerId } from '../ports.ts';
import { copyBytes } from './bytes.ts';
import type { SimClock } from './clock.ts';
import {
  DISK_LOAD_LATENCY_MS,
  DISK_SYNC_LATENCY_MS_MAX,
  DISK_SYNC_LATENCY_MS_MIN,
  DISK_TORN_WRITE_RATE,
} from './defaults.ts';
import type { SeededRandom } from './random.ts';
import { digestBytes, type Trace } from './trace.ts';

export interface DiskFaults {
  /** Minimum simulated time a sync takes, in milliseconds. */
  readonly syncLatencyMsMin: number;
  /** Maximum simulated time a sync takes, in milliseconds. */
  readonly syncLatencyMsMax: number;
  /** Simulated time a load takes, in milliseconds. */
  readonly loadLatencyMs: number;
  /** Probability that a crash keeps a prefix of the unsynced bytes instead of none. */
  readonly tornWriteRate: number;
}

export const DEFAULT_DISK_FAULTS: DiskFaults = {
  syncLatencyMsMin: DISK_SYNC_LATENCY_MS_MIN,
  syncLatencyMsMax: DISK_SYNC_LATENCY_MS_MAX,
  loadLatencyMs: DISK_LOAD_LATENCY_MS,
  tornWriteRate: DISK_TORN_WRITE_RATE,
};

/** Effect of one crash on the unsynced bytes, as byte counts. */
export interface CrashOutcome {
  /** Number of unsynced bytes at the moment of the crash. */
  readonly unsyncedLength: number;
  /** Number of those bytes that stayed on disk, as a prefix. */
  readonly keptLength: number;
}

export class SimDisk {
  private durable = new Uint8Array(0);
  private durableLength = 0;
  private unsynced: Uint8Array[] = [];
  private unsyncedLength = 0;
  private currentFaults: DiskFaults;
  private handle: Storage | undefined;
  /** Timers of pending syncs and loads. A crash clears them, so their promises never settle. */
  private readonly pendingTimers = new Set<TimerId>();
  /** Due time of the latest scheduled sync. Later syncs complete no earlier, so syncs complete
   * in call order. */
  private lastSyncDue = 0;
  /** Syncs called and not yet completed. A truncate throws while any is pending. */
  private syncsPending = 0;
  /** Truncates called and not yet resolved. An append throws while any is pending. */
  private truncatesPending = 0;
  /** Whether the id has no line break, so that the busiest trace lines, which hold only the id
   * and numbers, can skip the trace's own check. */
  private readonly idFitsTraceLine: boolean;

  constructor(
    readonly id: string,
    private readonly clock: SimClock,
    private readonly random: SeededRandom,
    private readonly trace: Trace,
    faults: Partial<DiskFaults> = {},
  ) {
    this.currentFaults = checkDiskFaults({ ...DEFAULT_DISK_FAULTS, ...faults });
    this.idFitsTraceLine = !/[\r\n]/.test(id);
  }

  /** Opens the disk for a new process and returns its `Storage`. Throws if a process has it
   * open, because one disk serves one process at a time: call `crash()` first. */
  open(): Storage {
    if (this.handle !== undefined) {
      throw new Error(`disk ${JSON.stringify(this.id)} is already open: crash() it before opening it for a new process`);
    }

    const handle = new DiskHandle(this);
    this.handle = handle;
    return handle;
  }

  /** Returns whether a process has the disk open. */
  isOpen(): boolean {
    return this.handle !== undefined;
  }

  faults(): DiskFaults {
    return this.currentFaults;
  }

  /** Changes some fault settings. Syncs already scheduled keep their latency. */
  setFaults(changes: Partial<DiskFaults>): void {
    this.currentFaults = checkDiskFaults({ ...this.currentFaults, ...changes });
  }

  /** Returns a copy of the durable bytes. */
  durableBytes(): Uint8Array {
    return this.durable.slice(0, this.durableLength);
  }

  /** Returns the number of appended bytes that a crash now would lose unless it tears. */
  unsyncedByteCount(): number {
    return this.unsyncedLength;
  }

  /**
   * Simulates a crash of the process using the disk: pending syncs and loads never settle, the
   * open `Storage` goes stale, and the unsynced bytes are lost or torn as the file header
   * describes. A disk that no process has open has no unsynced bytes, so crashing it loses
   * nothing.
   */
  crash(): CrashOutcome {
    for (const timer of this.pendingTimers) {
      this.clock.clearTimer(timer);
    }
    this.pendingTimers.clear();
    this.handle = undefined;
    this.syncsPending = 0;
    this.truncatesPending = 0;

    // Both numbers are drawn on every crash, so the stream stays aligned whatever happens.
    const tearDraw = this.random.nextFloat();
    const cutDraw = this.random.nextFloat();

    const unsynced = this.unsyncedLength;
    const torn = unsynced > 0 && tearDraw < this.currentFaults.tornWriteRate;
    const kept = torn ? 1 + Math.floor(cutDraw * unsynced) : 0;

    if (kept > 0) {
      this.writeDurable(concatenate(this.unsynced, this.unsyncedLength).subarray(0, kept));
    }
    this.unsynced = [];
    this.unsyncedLength = 0;

    this.trace.record('disk-crash', `${this.id} unsynced=${unsynced} kept=${kept}`);
    if (torn) {
      this.trace.record('disk-torn', `${this.id} kept=${kept} of=${unsynced} durable=${this.durableLength}`);
    }
    return { unsyncedLength: unsynced, keptLength: kept };
  }

  /**
   * Overwrites each of the last `byteCount` durable bytes with a different random value, as a
   * disk that garbles the end of a file would. Unsynced bytes are left alone. Throws when
   * `byteCount` exceeds the durable length.
   */
  corruptTail(byteCount: number): void {
    if (!(Number.isSafeInteger(byteCount) && byteCount >= 1 && byteCount <= this.durableLength)) {
      throw new RangeError(
        `invalid byte count ${byteCount} for disk ${JSON.stringify(this.id)}: use 1 to the durable length (${this.durableLength})`,
      );
    }

    for (let index = this.durableLength - byteCount; index < this.durableLength; index++) {
      // XOR with a value from 1 to 255 changes the byte for certain.
      const flip = 1 + this.random.int(255);
      this.durable[index] = (this.durable[index] as number) ^ flip;
    }
    this.trace.record('disk-corrupt', `${this.id} bytes=${byteCount} durable=${this.durableLength}`);
  }

  /** Called by `DiskHandle.append`. */
  appendFrom(handle: Storage, bytes: Uint8Array): void {
    if (handle !== this.handle) {
      this.trace.record('disk-stale-append', `${this.id} length=${bytes.length}`);
      return;
    }
    if (this.truncatesPending > 0) {
      throw new Error(`cannot append to disk ${JSON.stringify(this.id)} while a truncate is pending: await truncate() first`);
    }

    const offset = this.durableLength + this.unsyncedLength;
    this.unsynced.push(copyBytes(bytes));
    this.unsyncedLength += bytes.length;
    this.traceBusy('disk-append', `${this.id} offset=${offset} length=${bytes.length} digest=${digestBytes(bytes)}`);
  }

  /** Called by `DiskHandle.sync`. */
  syncFrom(handle: Storage): Promise<void> {
    if (handle !== this.handle) {
      return new Promise<void>(() => undefined);
    }

    const target = this.durableLength + this.unsyncedLength;
    const { syncLatencyMsMin, syncLatencyMsMax } = this.currentFaults;
    const due = Math.max(this.clock.now() + this.random.between(syncLatencyMsMin, syncLatencyMsMax), this.lastSyncDue);
    this.lastSyncDue = due;
    this.syncsPending++;
    this.traceBusy('disk-sync-start', `${this.id} upto=${target}`);

    return new Promise<void>((resolve) => {
      const timer = this.clock.setTimerAt(due, () => {
        this.pendingTimers.delete(timer);
        this.syncsPending--;
        this.flushUpTo(target);
        this.traceBusy('disk-sync', `${this.id} durable=${this.durableLength}`);
        resolve();
      });
      this.pendingTimers.add(timer);
    });
  }

  /** Called by `DiskHandle.load`. */
  loadFrom(handle: Storage): Promise<Uint8Array> {
    if (handle !== this.handle) {
      return new Promise<Uint8Array>(() => undefined);
    }

    return new Promise<Uint8Array>((resolve) => {
      const timer = this.clock.setTimer(this.currentFaults.loadLatencyMs, () => {
        this.pendingTimers.delete(timer);
        const contents = new Uint8Array(this.durableLength + this.unsyncedLength);
        contents.set(this.durable.subarray(0, this.durableLength));
        contents.set(concatenate(this.unsynced, this.unsyncedLength), this.durableLength);
        this.trace.record('disk-load', `${this.id} length=${contents.length}`);
        resolve(contents);
      });
      this.pendingTimers.add(timer);
    });
  }

  /** Called by `DiskHandle.truncate`. Throws when the call breaks the `Storage.truncate`
   * contract, because a log layer that does so has a bug the simulation must expose. */
  truncateFrom(handle: Storage, length: number): Promise<void> {
    if (handle !== this.handle) {
      return new Promise<void>(() => undefined);
    }
    if (!(Number.isSafeInteger(length) && length >= 0 && length <= this.durableLength)) {
      throw new RangeError(
        `invalid truncate length ${length} for disk ${JSON.stringify(this.id)}: use 0 to the durable length (${this.durableLength})`,
      );
    }
    if (this.unsyncedLength > 0 || this.syncsPending > 0) {
      throw new Error(
        `cannot truncate disk ${JSON.stringify(this.id)} with ${this.unsyncedLength} unsynced bytes and ${this.syncsPending} pending syncs: await sync() first`,
      );
    }

    const removed = this.durableLength - length;
    this.durableLength = length;
    this.trace.record('disk-truncate', `${this.id} durable=${length} removed=${removed}`);

    // A truncate takes as long as a sync and completes in call order with the syncs.
    const { syncLatencyMsMin, syncLatencyMsMax } = this.currentFaults;
    const due = Math.max(this.clock.now() + this.random.between(syncLatencyMsMin, syncLatencyMsMax), this.lastSyncDue);
    this.lastSyncDue = due;
    this.truncatesPending++;

    return new Promise<void>((resolve) => {
      const timer = this.clock.setTimerAt(due, () => {
        this.pendingTimers.delete(timer);
        this.truncatesPending--;
        resolve();
      });
      this.pendingTimers.add(timer);
    });
  }

  /** Records a trace line whose details are the id followed by numbers. */
  private traceBusy(kind: string, details: string): void {
    if (this.idFitsTraceLine) {
      this.trace.recordUnchecked(kind, details);
    } else {
      this.trace.record(kind, details);
    }
  }

  /** Moves whole unsynced appends to the durable bytes until `target` bytes are durable. Sync
   * targets always fall on append boundaries. */
  private flushUpTo(target: number): void {
    while (this.durableLength < target) {
      const chunk = this.unsynced.shift();
      invariant(
        chunk !== undefined,
        `disk ${this.id}: sync target ${target} is past the appended bytes (${this.durableLength})`,
      );
      this.unsyncedLength -= chunk.length;
      this.writeDurable(chunk);
    }
  }

  private writeDurable(bytes: Uint8Array): void {
    const needed = this.durableLength + bytes.length;
    if (needed > this.durable.length) {
      const grown = new Uint8Array(Math.max(needed, this.durable.length * 2, 64));
      grown.set(this.durable.subarray(0, this.durableLength));
      this.durable = grown;
    }
    this.durable.set(bytes, this.durableLength);
    this.durableLength = needed;
  }
}

/** The `Storage` of one process. After a crash it is stale: appends are ignored and traced, and
 * syncs, loads and truncates never settle, because the process that opened it no longer exists. */
class DiskHandle implements Storage {
  constructor(private readonly disk: SimDisk) {}

  append(bytes: Uint8Array): void {
    this.disk.appendFrom(this, bytes);
  }

  sync(): Promise<void> {
    return this.disk.syncFrom(this);
  }

  load(): Promise<Uint8Array> {
    return this.disk.loadFrom(this);
  }

  truncate(length: number): Promise<void> {
    return this.disk.truncateFrom(this, length);
  }
}

const concatenate = (chunks: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
};

/** Returns the settings unchanged, or throws naming the first invalid one. */
export const checkDiskFaults = (faults: DiskFaults): DiskFaults => {
  const { syncLatencyMsMin, syncLatencyMsMax, loadLatencyMs, tornWriteRate } = faults;
  if (!(Number.isFinite(syncLatencyMsMin) && syncLatencyMsMin >= 0)) {
    throw new RangeError(`invalid syncLatencyMsMin ${syncLatencyMsMin}: use a finite number of milliseconds, at least 0`);
  }
  if (!(Number.isFinite(syncLatencyMsMax) && syncLatencyMsMax >= syncLatencyMsMin)) {
    throw new RangeError(
      `invalid syncLatencyMsMax ${syncLatencyMsMax}: use a finite number of milliseconds, at least syncLatencyMsMin (${syncLatencyMsMin})`,
    );
  }
  if (!(Number.isFinite(loadLatencyMs) && loadLatencyMs >= 0)) {
    throw new RangeError(`invalid loadLatencyMs ${loadLatencyMs}: use a finite number of milliseconds, at least 0`);
  }
  if (!(tornWriteRate >= 0 && tornWriteRate <= 1)) {
    throw new RangeError(`invalid tornWriteRate ${tornWriteRate}: use a probability from 0 to 1`);
  }
  return faults;
};
