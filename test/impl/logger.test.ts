import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProcessLogger, parseLogLevel } from '../../impl/logger.ts';

const logTo = (level: Parameters<typeof createProcessLogger>[0]): { readonly lines: () => Array<Record<string, unknown>>; readonly logger: ReturnType<typeof createProcessLogger> } => {
  const path = join(mkdtempSync(join(tmpdir(), 'shardcap-log-')), 'log.jsonl');
  const fd = openSync(path, 'w');
  const logger = createProcessLogger({ ...level, fd });
  return {
    logger,
    lines: () => {
      closeSync(fd);
      const text = readFileSync(path, 'utf8');
      rmSync(dirname(path), { recursive: true, force: true });
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
};

describe('process logger', () => {
  it('writes JSON lines with base fields', () => {
    const { logger, lines } = logTo({ level: 'info', base: { node: 'n0' } });
    logger.info({ request: 'c0:1' }, 'owner started');
    logger.debug({}, 'not written at info');
    const written = lines();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ node: 'n0', request: 'c0:1', msg: 'owner started' });
  });

  it('redacts secrets', () => {
    const { logger, lines } = logTo({ level: 'debug' });
    logger.warn({ key: 'secret-key', mac: 'abc', token: 'AQEE', cap: 'AQEE', nested: { mac: 'x' } }, 'careful');
    const text = JSON.stringify(lines());
    for (const secret of ['secret-key', '"abc"', 'AQEE', '"x"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('silent writes nothing', () => {
    const { logger, lines } = logTo({ level: 'silent' });
    logger.error({}, 'dropped');
    expect(lines()).toEqual([]);
  });

  it('parses log levels', () => {
    expect(parseLogLevel(undefined, 'warn')).toBe('warn');
    expect(parseLogLevel('', 'warn')).toBe('warn');
    expect(parseLogLevel('debug', 'warn')).toBe('debug');
    expect(() => parseLogLevel('loud', 'info')).toThrow('invalid log level "loud": use one of debug, info, warn, error, silent');
  });
});
