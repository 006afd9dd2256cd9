import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDirectory, LOCK_FILE } from '../../impl/disk/data-lock.ts';
import { MemoryLogger } from '../../impl/ports.ts';
import { TemporaryDirectories } from './support.ts';

const directories = new TemporaryDirectories();

afterEach(async () => {
  await directories.removeAll();
});

/** Returns the pid of a process that has exited, which no live process has unless the system reuses it at once. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', '0']);
  if (child.pid === undefined) {
    throw new Error('could not start a short-lived process');
  }
  return child.pid;
};

describe('data directory lock', () => {
  it('writes this pid and releases it', async () => {
    const dir = await directories.create();
    const lock = await lockDataDirectory(dir, new MemoryLogger());
    if (E.isLeft(lock)) {
      throw new Error(lock.left);
    }
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);

    await lock.right.release();
    await expect(readFile(join(dir, LOCK_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('rejects a directory a live process holds', async () => {
    const dir = await directories.create();
    await writeFile(join(dir, LOCK_FILE), `${process.ppid}\n`);

    const lock = await lockDataDirectory(dir, new MemoryLogger());

    expect(E.isLeft(lock) ? lock.left : 'locked').toContain(`is in use by process ${process.ppid}`);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it.each([
    ['a dead pid', () => `${deadPid()}\n`],
    ['no pid', () => 'not a pid'],
    ['an empty file', () => ''],
  ])('takes over a stale lock with %s', async (_, content) => {
    const dir = await directories.create();
    await writeFile(join(dir, LOCK_FILE), content());
    const logger = new MemoryLogger();

    const lock = await lockDataDirectory(dir, logger);

    expect(E.isRight(lock)).toBe(true);
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(logger.entries.map((entry) => entry.message)).toContain('removed the stale lock of a node that is gone');
  });

  it('release keeps a lock another process took', async () => {
    const dir = await directories.create();
    const lock = await lockDataDirectory(dir, new MemoryLogger());
    if (E.isLeft(lock)) {
      throw new Error(lock.left);
    }
    await writeFile(join(dir, LOCK_FILE), `${process.ppid}\n`);

    await lock.right.release();

    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('names the path when the directory is missing', async () => {
    const dir = join(await directories.create(), 'missing');

    const lock = await lockDataDirectory(dir, new MemoryLogger());

    expect(E.isLeft(lock) ? lock.left : 'locked').toContain(`cannot lock the data directory at ${join(dir, LOCK_FILE)}`);
  });
});
