/**
 * The process logger: pino, behind the `Logger` port. Processes log JSON lines to stderr at
 * `info` by default; `SHARDCAP_LOG` sets the level (`debug`, `info`, `warn`, `error` or `silent`).
 * Tests and the simulator use the port's in-memory or no-op loggers instead.
 */
import { pino } from 'pino';
import type { LogFields, Logger, LogLevel } from './ports.ts';

export type LoggerLevel = LogLevel | 'silent';

const LEVELS: ReadonlyArray<LoggerLevel> = ['debug', 'info', 'warn', 'error', 'silent'];

/** Field names whose values are never written: they hold secrets. */
const REDACTED_FIELDS = ['key', 'mac', 'token', 'cap', 'revoker', '*.key', '*.mac', '*.token'];

export const parseLogLevel = (text: string | undefined, fallback: LoggerLevel): LoggerLevel => {
  if (text === undefined || text === '') {
    return fallback;
  }
  if (!(LEVELS as ReadonlyArray<string>).includes(text)) {
    throw new TypeError(`invalid log level ${JSON.stringify(text)}: use one of ${LEVELS.join(', ')}`);
  }
  return text as LoggerLevel;
};

export interface ProcessLoggerOptions {
  readonly level?: LoggerLevel;
  /** Fields every entry carries, such as `{ node: 'n0' }`. */
  readonly base?: LogFields;
  /** File descriptor to write to; 2 (stderr) by default. */
  readonly fd?: number;
}

export const createProcessLogger = (options: ProcessLoggerOptions = {}): Logger => {
  const level = options.level ?? parseLogLevel(process.env['SHARDCAP_LOG'], 'info');
  const instance = pino(
    { level, base: { ...options.base }, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } },
    pino.destination({ fd: options.fd ?? 2, sync: true }),
  );
  return {
    debug: (fields, message) => instance.debug(fields, message),
    info: (fields, message) => instance.info(fields, message),
    warn: (fields, message) => instance.warn(fields, message),
    error: (fields, message) => instance.error(fields, message),
  };
};
