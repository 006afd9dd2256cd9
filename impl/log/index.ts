/**
 * The owner's record log: a framed, checksummed append-only log over the `Storage` port, with
 * group commit and recovery that drops a torn or corrupt tail.
 */
export * from './crc32c.ts';
export * from './record-format.ts';
export * from './record-log.ts';
export * from './recover.ts';
