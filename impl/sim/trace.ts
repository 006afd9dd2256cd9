/**
 * The trace of a simulation: one printable line per event, each starting with the simulated time
 * in milliseconds. Two runs behaved the same exactly when their traces are equal, so the SHA-256
 * of the trace stands for a whole run in determinism checks and failure reports.
 */
import { createHash, type Hash } from 'node:crypto';

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

/**
 * Append-only event trace. The kind is one word naming the event (`net-send`, `disk-crash`,
 * `note`). The details are free text, written so that equal events give equal lines.
 */
export class Trace {
  private readonly retained: string[] = [];
  private readonly hasher: Hash = createHash('sha256');
  private count = 0;
  private readonly retainLines: boolean;
  private readonly sink: ((line: string) => void) | undefined;

  constructor(
    private readonly clock: { now(): number },
    options: TraceOptions = {},
  ) {
    this.retainLines = options.retainLines ?? true;
    this.sink = options.sink;
  }

  /** Records one event at the current simulated time. */
  record(kind: string, details: string): void {
    if (!/^[a-z][a-z0-9-]*$/.test(kind)) {
      throw new RangeError(`invalid trace event kind ${JSON.stringify(kind)}: use lowercase letters, digits and dashes`);
    }
    if (/[\r\n]/.test(details)) {
      throw new RangeError(`invalid trace details ${JSON.stringify(details)}: a trace line must not contain a line break`);
    }

    const time = formatTime(this.clock.now());
    const line = details === '' ? `${time} ${kind}` : `${time} ${kind} ${details}`;

    this.hasher.update(`${line}\n`);
    this.count++;
    if (this.retainLines) {
      this.retained.push(line);
    }
    this.sink?.(line);
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
    return this.hasher.copy().digest('hex');
  }
}

/** Formats a simulated time in milliseconds for the start of a trace line. */
export const formatTime = (timeMs: number): string =>
  timeMs.toFixed(TIME_FRACTION_DIGITS).padStart(TIME_COLUMN_WIDTH, ' ');

/** Short printable digest of a frame or a disk write: 32-bit FNV-1a as 8 hex digits. It
 * distinguishes payloads in a trace line without printing them. */
export const digestBytes = (bytes: Uint8Array): string => {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
};
