import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { encodeLogRecord, readLogRecord, RecordLog } from '../../impl/log/index.ts';
import { MemoryLogger } from '../../impl/ports.ts';
import { encodeRecords, ManualStorage, textPayload } from './support.ts';

describe('log record reading at the end of the bytes', () => {
  it('reports a short header, not a bad magic byte, at the very end', () => {
    const record = encodeLogRecord(textPayload('a'));

    expect(readLogRecord(new Uint8Array(0), 0)).toEqual(E.left('short-header'));
    expect(readLogRecord(record, record.length)).toEqual(E.left('short-header'));
  });

  it('reports a wrong last byte as bad magic', () => {
    expect(readLogRecord(Uint8Array.of(0x00), 0)).toEqual(E.left('bad-magic'));
  });
});

describe('record log diagnostics', () => {
  it('logs how many records and bytes it opened', async () => {
    const { bytes } = encodeRecords([textPayload('a'), textPayload('bc')]);
    const logger = new MemoryLogger();

    await RecordLog.open(new ManualStorage(bytes), logger);

    expect(logger.atLevel('debug')).toEqual([
      { level: 'debug', fields: { records: 2, bytes: bytes.length }, message: 'record log opened' },
    ]);
  });

  it('failed sync keeps cause and logs LSNs', async () => {
    const storage = new ManualStorage();
    const logger = new MemoryLogger();
    const { log } = await RecordLog.open(storage, logger);
    log.append(textPayload('a'));
    const syncing = log.sync().then(
      () => undefined,
      (error: unknown) => error,
    );
    const cause = new Error('EIO: i/o error');

    storage.failSync(cause);
    const failure = await syncing;

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).cause).toBe(cause);
    expect(logger.atLevel('error')).toEqual([
      {
        level: 'error',
        fields: { error: 'Error: EIO: i/o error', appendedThrough: 0, syncedThrough: -1 },
        message: 'record log sync failed',
      },
    ]);
  });
});
