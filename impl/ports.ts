/**
 * The ports through which an owner node or a client reaches the outside world: time, randomness,
 * the network, its disk and its log. The simulator in `impl/sim/` implements all of them
 * deterministically. A real deployment puts a TCP transport and a disk file behind the same
 * interfaces, so every operation that does real I/O returns a promise or is fire-and-forget.
 */

/** Handle of a pending timer, valid only for the `Clock` that returned it. */
export type TimerId = number & { readonly TimerId: unique symbol };

/** Time source and timers of one process. */
export interface Clock {
  /** Current time in milliseconds, possibly fractional. It never decreases, and its epoch is the
   * clock's own (simulated clocks start at 0), so only differences are meaningful. */
  now(): number;

  /** Calls `callback` once, no sooner than `delayMs` milliseconds from now (a finite number, at
   * least 0). The simulated clock fires exactly on time, and timers due at the same time fire in
   * the order they were set. A real clock may fire late and promises no such order. */
  setTimer(delayMs: number, callback: () => void): TimerId;

  /** Cancels a pending timer. Clearing a timer that already fired, was cleared, or belongs to
   * another clock does nothing. */
  clearTimer(id: TimerId): void;
}

/** Source of random numbers for one process. Implementations may be seeded and reproducible. */
export interface Random {
  /** Returns an integer uniformly distributed in [0, 2^32). */
  nextUint32(): number;

  /** Returns a float uniformly distributed in [0, 1), with 53 random bits. */
  nextFloat(): number;

  /** Returns `count` uniformly random bytes. */
  bytes(count: number): Uint8Array;

  /** Returns an integer uniformly distributed in [0, maxExclusive), without modulo bias. `maxExclusive`
   * must be an integer from 1 to 2^32. */
  int(maxExclusive: number): number;
}

/** Receives one frame: `from` is the sender's endpoint id. */
export type FrameHandler = (from: string, frame: Uint8Array) => void;

/**
 * One network endpoint, owned by one node or client process. Addresses are endpoint ids (node or
 * client id strings). Delivery is unreliable: a frame may be lost, delayed, reordered or
 * delivered twice, so the protocol above it retries and deduplicates.
 */
export interface Transport {
  /** Sends `frame` to the endpoint `to` without waiting and without reporting failure. The
   * transport copies the bytes, so the caller may reuse the buffer at once. */
  send(to: string, frame: Uint8Array): void;

  /** Sets the handler for incoming frames, replacing any earlier one. Frames that arrive while
   * no handler is set are dropped. */
  onFrame(handler: FrameHandler): void;
}

/**
 * One node's append-only byte log, with the durability contract of a file on disk. Appends
 * are buffered and lost on a crash unless a later `sync()` has resolved. A crash may also leave
 * a prefix of the unsynced bytes on disk (a torn write). The storage neither frames records nor
 * checksums them, so the log layer above must detect and discard a partial or corrupt tail.
 */
export interface Storage {
  /** Appends bytes to the end of the log. They are buffered and not yet durable. The storage
   * copies the bytes, so the caller may reuse the buffer at once. */
  append(bytes: Uint8Array): void;

  /** Resolves once every byte appended before this call is durable. Calls resolve in call
   * order. If the process crashes first, the promise never settles. */
  sync(): Promise<void>;

  /** Reads the whole log as a file read would: the durable bytes, followed by any bytes this
   * process appended since. At start and restart nothing unsynced exists, so it returns exactly
   * the durable bytes. */
  load(): Promise<Uint8Array>;

  /**
   * Cuts the log to its first `length` bytes and resolves once the cut is durable, as
   * `ftruncate` followed by `fsync` does. Call it only while no append is unsynced and no sync is
   * pending, with `length` at most the log's length, and append nothing until it resolves. The
   * log layer uses it at start to drop a torn or corrupt tail, so that new records never follow
   * garbage. If the process crashes first, the promise never settles and the cut may be lost.
   */
  truncate(length: number): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of one log entry, such as `{ node: 'storage', object: 'storage/3' }`. */
export type LogFields = Readonly<Record<string, unknown>>;

export type LogMethod = (fields: LogFields, message: string) => void;

/** Structured logger. The argument order (fields, then message) matches pino's. */
export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

const ignoreLogEntry: LogMethod = () => undefined;

/** Logger that discards every entry. */
export const noopLogger: Logger = {
  debug: ignoreLogEntry,
  info: ignoreLogEntry,
  warn: ignoreLogEntry,
  error: ignoreLogEntry,
};

export interface LogEntry {
  readonly level: LogLevel;
  readonly fields: LogFields;
  readonly message: string;
}

/** Logger that keeps every entry in memory, so that tests can assert on what was logged. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  readonly debug: LogMethod = (fields, message) => this.record('debug', fields, message);
  readonly info: LogMethod = (fields, message) => this.record('info', fields, message);
  readonly warn: LogMethod = (fields, message) => this.record('warn', fields, message);
  readonly error: LogMethod = (fields, message) => this.record('error', fields, message);

  /** Returns the entries of one level, in the order they were logged. */
  atLevel(level: LogLevel): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }

  private record(level: LogLevel, fields: LogFields, message: string): void {
    this.entries.push({ level, fields: { ...fields }, message });
  }
}

/** Wraps a logger so that every entry also carries `base` fields. Fields given at the call win
 * over base fields of the same name. */
export const withFields = (logger: Logger, base: LogFields): Logger => ({
  debug: (fields, message) => logger.debug({ ...base, ...fields }, message),
  info: (fields, message) => logger.info({ ...base, ...fields }, message),
  warn: (fields, message) => logger.warn({ ...base, ...fields }, message),
  error: (fields, message) => logger.error({ ...base, ...fields }, message),
});
