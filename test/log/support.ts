/**
 * Helpers for the record log tests: payload builders, a simulated disk, and storages that count
 * or hold back syncs.
 */
import { encodeLogRecord } from '../../impl/log/index.ts';
import type { Storage } from '../../impl/ports.ts';
import { SimClock } from '../../impl/sim/clock.ts';
import { SimDisk, type DiskFaults } from '../../impl/sim/disk.ts';
import { SeededRandom, type Seed } from '../../impl/sim/random.ts';
import { Trace } from '../../impl/sim/trace.ts';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export const textPayload = (text: string): Uint8Array => utf8.encode(text);

export const payloadText = (payload: Uint8Array): string => utf8Decoder.decode(payload);

export const textsOf = (payloads: ReadonlyArray<Uint8Array>): string[] => payloads.map(payloadText);

/** Returns the log bytes of `payloads` and the offset at which each record starts. */
export const encodeRecords = (payloads: ReadonlyArray<Uint8Array>): { bytes: Uint8Array; starts: number[] } => {
  const encoded = payloads.map(encodeLogRecord);
  const bytes = new Uint8Array(encoded.reduce((total, record) => total + record.length, 0));
  const starts: number[] = [];

  let offset = 0;
  for (const record of encoded) {
    starts.push(offset);
    bytes.set(record, offset);
    offset += record.length;
  }
  return { bytes, starts };
};

export const simDisk = (faults: Partial<DiskFaults>, seed: Seed) => {
  const clock = new SimClock();
  const trace = new Trace(clock);
  const disk = new SimDisk('owner', clock, new SeededRandom(seed).fork('disk/owner'), trace, faults);
  return { clock, trace, disk };
};

/** Runs the simulated clock until idle and returns what `promise` settled with. Throws when it
 * is still pending then, which means the code under test waits for something that never happens. */
export const settle = async <T>(clock: SimClock, promise: Promise<T>): Promise<T> => {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, error };
    },
  );

  await clock.runUntilIdle();
  if (outcome === undefined) {
    throw new Error('promise still pending after the simulated clock ran idle');
  }
  if (!outcome.ok) {
    throw outcome.error;
  }
  return outcome.value;
};

/** Counts the calls that reach a storage, then forwards them. */
export class CountingStorage implements Storage {
  appends = 0;
  syncs = 0;
  truncates = 0;

  constructor(private readonly inner: Storage) {}

  append(bytes: Uint8Array): void {
    this.appends++;
    this.inner.append(bytes);
  }

  sync(): Promise<void> {
    this.syncs++;
    return this.inner.sync();
  }

  load(): Promise<Uint8Array> {
    return this.inner.load();
  }

  truncate(length: number): Promise<void> {
    this.truncates++;
    return this.inner.truncate(length);
  }
}

/** In-memory storage whose syncs complete only when the test calls `completeSync` or
 * `failSync`, in call order. Bytes count as durable once their sync completes. */
export class ManualStorage implements Storage {
  durable = new Uint8Array(0);
  syncCalls = 0;
  private appended: number[] = [];
  private readonly pendingSyncs: { readonly length: number; readonly resolve: () => void; readonly reject: (error: unknown) => void }[] = [];

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.durable = new Uint8Array(initial);
    this.appended = [...initial];
  }

  get pendingSyncCount(): number {
    return this.pendingSyncs.length;
  }

  append(bytes: Uint8Array): void {
    this.appended.push(...bytes);
  }

  sync(): Promise<void> {
    this.syncCalls++;
    return new Promise<void>((resolve, reject) => {
      this.pendingSyncs.push({ length: this.appended.length, resolve, reject });
    });
  }

  load(): Promise<Uint8Array> {
    return Promise.resolve(Uint8Array.from(this.appended));
  }

  truncate(length: number): Promise<void> {
    this.appended = this.appended.slice(0, length);
    this.durable = this.durable.slice(0, length);
    return Promise.resolve();
  }

  /** Completes the oldest pending sync. */
  completeSync(): void {
    const pending = this.pendingSyncs.shift();
    if (pending === undefined) {
      throw new Error('no pending sync to complete: call sync() first');
    }
    this.durable = Uint8Array.from(this.appended.slice(0, pending.length));
    pending.resolve();
  }

  /** Fails the oldest pending sync with `error`. */
  failSync(error: Error): void {
    const pending = this.pendingSyncs.shift();
    if (pending === undefined) {
      throw new Error('no pending sync to fail: call sync() first');
    }
    pending.reject(error);
  }
}

/** Lets every queued promise continuation run. */
export const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
