/**
 * A `Logger` that writes each entry into the simulation trace, so that log output lands in order
 * with the network and disk events around it and counts toward the trace hash.
 */
import type { LogFields, Logger, LogLevel } from '../ports.ts';
import { digestBytes, type Trace } from './trace.ts';

/** Byte arrays up to this length appear in full (as hex) in a logged field. Longer ones appear
 * as their length and digest. */
const LOGGED_BYTES_LENGTH_MAX = 32;

/** Builds a logger that records `log` trace lines of the form `<level> "<message>" <fields>`,
 * where fields are JSON with `base` merged under the fields of each call. */
export const traceLogger = (trace: Trace, base: LogFields = {}): Logger => {
  const write = (level: LogLevel) => (fields: LogFields, message: string) => {
    const json = JSON.stringify({ ...base, ...fields }, replaceUnprintable);
    trace.record('log', `${level} ${JSON.stringify(message)} ${json}`);
  };

  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
};

/** Makes values that JSON cannot print readable: bigints as decimal text, byte arrays as hex. */
const replaceUnprintable = (_key: string, value: unknown): unknown => {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Uint8Array) {
    if (value.length <= LOGGED_BYTES_LENGTH_MAX) {
      return Buffer.from(value).toString('hex');
    }
    return `${value.length} bytes, digest ${digestBytes(value)}`;
  }
  if (value instanceof Error) {
    return `${value.name}: ${value.message}`;
  }
  return value;
};
