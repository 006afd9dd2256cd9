import { describe, expect, it } from 'vitest';
import { MemoryLogger, noopLogger, withFields } from '../../impl/ports.ts';

describe('loggers', () => {
  it('memory logger keeps entries in order', () => {
    const logger = new MemoryLogger();

    logger.debug({ step: 1 }, 'first');
    logger.warn({ step: 2 }, 'second');
    logger.error({}, 'third');

    expect(logger.entries).toEqual([
      { level: 'debug', fields: { step: 1 }, message: 'first' },
      { level: 'warn', fields: { step: 2 }, message: 'second' },
      { level: 'error', fields: {}, message: 'third' },
    ]);
    expect(logger.atLevel('warn').map((entry) => entry.message)).toEqual(['second']);
  });

  it('memory logger copies fields', () => {
    const logger = new MemoryLogger();
    const fields: Record<string, unknown> = { node: 'a' };

    logger.info(fields, 'started');
    fields['node'] = 'b';

    expect(logger.entries[0]?.fields).toEqual({ node: 'a' });
  });

  it('withFields adds base fields', () => {
    const memory = new MemoryLogger();
    const logger = withFields(memory, { endpoint: 'a', incarnation: 0 });

    logger.info({ object: 'a/1' }, 'created');
    logger.error({ endpoint: 'call' }, 'failed');

    expect(memory.entries).toEqual([
      { level: 'info', fields: { endpoint: 'a', incarnation: 0, object: 'a/1' }, message: 'created' },
      { level: 'error', fields: { endpoint: 'call', incarnation: 0 }, message: 'failed' },
    ]);
  });

  it('noop logger accepts every level', () => {
    expect(() => {
      noopLogger.debug({}, 'x');
      noopLogger.info({}, 'x');
      noopLogger.warn({}, 'x');
      noopLogger.error({}, 'x');
    }).not.toThrow();
  });
});
