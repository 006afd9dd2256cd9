/**
 * The lock of a data directory: the file `LOCK`, created exclusively, holding the pid of the node
 * that uses the directory. Two nodes appending to one record log would corrupt it, so a node
 * refuses a directory whose lock names a live process. A lock left by a process that is gone, as
 * after `kill -9`, is stale: the next node removes it and takes the directory.
 *
 * NOTE: a lock whose pid the system has reused for an unrelated process looks live, because
 * liveness is read with signal 0. The message names the pid and the file, so the operator can check
 * and remove it.
 */
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from '../ports.ts';
import { fileError } from './file-error.ts';

export const LOCK_FILE = 'LOCK';

export interface DataLock {
  readonly path: string;
  /** Removes the lock file if it still names this process. */
  readonly release: () => Promise<void>;
}

/**
 * True when a process with this pid runs, including one this user may not signal. A zombie, a
 * process that has exited but that its parent has not reaped yet, does not count: on Linux its
 * state in /proc/PID/stat is `Z`.
 */
export const isLiveProcess = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Without /proc, as on macOS, a process that takes signals counts as live.
    return true;
  }
};

/** Creates the lock file with this process's pid; `false` when it exists already. */
const tryCreate = async (path: string): Promise<boolean> => {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
  } finally {
    await handle.close();
  }
  return true;
};

/** Reads the pid a lock file names; `undefined` when the file is gone or contains no pid. */
const lockOwner = async (path: string): Promise<number | undefined> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * Takes the lock of `directory`. When a live process has the lock or the file cannot be written,
 * returns on the left a message that names the directory, that process's pid and what to do.
 */
export const lockDataDirectory = async (directory: string, logger: Logger): Promise<E.Either<string, DataLock>> => {
  const path = join(directory, LOCK_FILE);
  const release = async (): Promise<void> => {
    if ((await lockOwner(path).catch(() => undefined)) === process.pid) {
      await unlink(path).catch(() => undefined);
    }
  };
  try {
    // Two attempts: the second follows the removal of a stale lock.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (await tryCreate(path)) {
        return E.right({ path, release });
      }
      const owner = await lockOwner(path);
      if (owner !== undefined && owner !== process.pid && isLiveProcess(owner)) {
        return E.left(
          `data directory ${directory} is in use by process ${owner} (named in ${path}): stop that node first, or give this node another --data. If no node runs there, remove ${path}`,
        );
      }
      logger.warn({ data: directory, stalePid: owner ?? null }, 'removed the stale lock of a node that is gone');
      await unlink(path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw error;
        }
      });
    }
    return E.left(`data directory ${directory}: another node took ${path} while this one started; start one node per data directory`);
  } catch (error) {
    return E.left(fileError(error, path, 'lock the data directory').message);
  }
};
