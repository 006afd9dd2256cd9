/**
 * The trace of a simulation: one printable line per event, each starting with the simulated time
 * in milliseconds. Two runs behaved the same exactly when their traces are equal, so the SHA-256
 * of the trace stands for a whole run in determinism checks and failure reports.
 */
import { createHash, type Hash } from 'node:crypto';
import { TRACE_UNFORMATTED_EVENTS_MAX } from './defaults.ts';

/** Digits after the decimal point of the time at the start of each line. */
const TIME_FRACTION_DIGITS = 3;

/** Width the time column is padded to, so that lines of one run align. */
const TIME_COLUMN_WIDTH = 10;

export interface TraceOptions {
  /** Keep every line in memory for `lines()` and `text()`; default true. With false, only the
   * running hash and the line count are kept, which bounds memory on long runs. */
  readonly retainLines?: boolean;

  /** Receives each line as it is recorded, for example to print a run as it happens. */
  readonly sink?: (line: string) => void;
}

const KIND_PATTERN = /^[a-z][a-z0-9-]*$/;
const LINE_BREAK_PATTERN = /[\r\n]/;

/**
 * Append-only event trace. The kind is one word naming the event (`net-send`, `disk-crash`,
 * `note`). The details are free text, written so that equal events give equal lines.
 *
 * Recording only stores the time, kind and details. Lines are formatted and hashed later: when
 * they are read, when `hash()` is called, or every TRACE_UNFORMATTED_EVENTS_MAX events in a trace
 * that does not retain lines. A simulation that never reads its trace therefore pays for neither.
 * With a sink, each line is formatted at once, because the sink receives it as it is recorded.
 */
export class Trace {
  private readonly retained: string[] = [];
  /** SHA-256 of the lines formatted so far, created with the first of them, because a
   * simulation that never reads its trace never needs it. */
  private hasher: Hash | undefined;
  private count = 0;
  private readonly retainLines: boolean;
  private readonly sink: ((line: string) => void) | undefined;
  /** Kinds that passed validation, so that each kind's pattern test runs once. */
  private readonly validKinds = new Set<string>();

  /** Recorded events not yet formatted, as parallel arrays. */
  private unformattedTimes: number[] = [];
  private unformattedKinds: string[] = [];
  private unformattedDetails: Array<string | (() => string)> = [];

  constructor(
    private readonly clock: { now(): number },
    options: TraceOptions = {},
  ) {
    this.retainLines = options.retainLines ?? true;
    this.sink = options.sink;
  }

  /** Records one event at the current simulated time. */
  record(kind: string, details: string): void {
    if (LINE_BREAK_PATTERN.test(details)) {
      throw new RangeError(`invalid trace details ${JSON.stringify(details)}: a trace line must not contain a line break`);
    }
    this.recordUnchecked(kind, details);
  }

  /**
   * Records one event like `record`, without checking `details` for line breaks. The simulator
   * uses it on its busiest paths, for details built only from numbers, fixed words and endpoint
   * ids, which cannot contain a line break. The check reads the whole text, which would also
   * make V8 flatten a string that was built by concatenation and may never be read.
   */
  recordUnchecked(kind: string, details: string): void {
    this.recordUnformatted(kind, details);
  }

  /**
   * Records one event like `recordUnchecked`, but calls `details()` only when the line is
   * formatted. The simulator uses it for its most frequent events, which a campaign never reads.
   * `details` must read only values that never change and must not return a line break.
   */
  recordDeferred(kind: string, details: () => string): void {
    this.recordUnformatted(kind, details);
  }

  private recordUnformatted(kind: string, details: string | (() => string)): void {
    if (!this.validKinds.has(kind)) {
      if (!KIND_PATTERN.test(kind)) {
        throw new RangeError(`invalid trace event kind ${JSON.stringify(kind)}: use lowercase letters, digits and dashes`);
      }
      this.validKinds.add(kind);
    }

    this.count++;
    if (this.sink !== undefined) {
      const line = formatLine(this.clock.now(), kind, typeof details === 'string' ? details : details());
      this.runningHash().update(`${line}\n`);
      if (this.retainLines) {
        this.retained.push(line);
      }
      this.sink(line);
      return;
    }

    this.unformattedTimes.push(this.clock.now());
    this.unformattedKinds.push(kind);
    this.unformattedDetails.push(details);
    if (!this.retainLines && this.unformattedTimes.length >= TRACE_UNFORMATTED_EVENTS_MAX) {
      this.formatPending();
    }
  }

  /** Records a free-form line, such as the result of an operation or a check. */
  note(text: string): void {
    this.record('note', text);
  }

  /** Number of lines recorded, retained or not. */
  get length(): number {
    return this.count;
  }

  /** Returns the recorded lines, oldest first. Throws if the trace does not retain lines. */
  lines(): readonly string[] {
    if (!this.retainLines) {
      throw new Error('this trace does not retain lines: create it with retainLines: true to read them back');
    }
    this.formatPending();
    return this.retained;
  }

  /** Returns the whole trace, one line per event, each line ending in a newline. */
  text(): string {
    return this.lines()
      .map((line) => `${line}\n`)
      .join('');
  }

  /** Hex SHA-256 of `text()`, available whether or not lines are retained. */
  hash(): string {
    this.formatPending();
    return this.runningHash().copy().digest('hex');
  }

  private runningHash(): Hash {
    this.hasher ??= createHash('sha256');
    return this.hasher;
  }

  /** Formats the unformatted events in record order, feeds them to the hash in one update, and
   * retains them when the trace retains lines. */
  private formatPending(): void {
    const times = this.unformattedTimes;
    if (times.length === 0) {
      return;
    }

    let chunk = '';
    for (let index = 0; index < times.length; index++) {
      const details = this.unformattedDetails[index] as string | (() => string);
      const line = formatLine(times[index] as number, this.unformattedKinds[index] as string, typeof details === 'string' ? details : details());
      chunk += `${line}\n`;
      if (this.retainLines) {
        this.retained.push(line);
      }
    }
    this.runningHash().update(chunk);

    this.unformattedTimes = [];
    this.unformattedKinds = [];
    this.unformattedDetails = [];
  }
}

const formatLine = (timeMs: number, kind: string, details: string): string => {
  const time = formatTime(timeMs);
  return details === '' ? `${time} ${kind}` : `${time} ${kind} ${details}`;
};

/** Formats a simulated time in milliseconds for the start of a trace line. */
export const formatTime = (timeMs: number): string =>
  timeMs.toFixed(TIME_FRACTION_DIGITS).padStart(TIME_COLUMN_WIDTH, ' ');

/** Short printable digest of a frame or a disk write: 32-bit FNV-1a as 8 hex digits. It
 * distinguishes payloads in a trace line without printing them. */
export const digestBytes = (bytes: Uint8Array): string => formatDigest(digestNumber(bytes));

/** Returns the 32-bit FNV-1a hash of `bytes` that `digestBytes` prints, as a number. */
export const digestNumber = (bytes: Uint8Array): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < bytes.length; index++) {
    hash ^= bytes[index] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
};

/** Writes a hash from `digestNumber` as 8 hex digits. */
export const formatDigest = (hash: number): string =>
  // Four table lookups cost less than `toString(16)` and padding, and give the same text.
  (HEX_BYTES[hash >>> 24] as string) +
  (HEX_BYTES[(hash >>> 16) & 0xff] as string) +
  (HEX_BYTES[(hash >>> 8) & 0xff] as string) +
  (HEX_BYTES[hash & 0xff] as string);

/** Two lowercase hex digits of every byte value, by value. */
const HEX_BYTES: ReadonlyArray<string> = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
