import { spawnSync } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStorage, RECORD_LOG_FILE_NAME } from '../../impl/disk/file-storage.ts';
import { TemporaryDirectories } from './support.ts';

const directories = new TemporaryDirectories();

afterEach(async () => {
  await directories.removeAll();
});

/** User and group id of `nobody` on Linux, for running the check without root's privileges. */
const NOBODY_ID = 65_534;

const childScript = fileURLToPath(new URL('./open-storage-child.ts', import.meta.url));
const tsxCli = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** Opens FileStorage on `directory` as an unprivileged user and returns the error message, or
 * `opened`. Root ignores directory permissions, so as root the open runs in a child process
 * with the `nobody` user and group ids. */
const openUnprivileged = async (directory: string): Promise<string> => {
  if (process.getuid?.() !== 0) {
    try {
      const storage = await FileStorage.open(directory);
      await storage.close();
      return 'opened';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  const child = spawnSync(process.execPath, [tsxCli, childScript, directory], {
    uid: NOBODY_ID,
    gid: NOBODY_ID,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) {
    throw new Error(`child process failed with status ${String(child.status)}: ${child.stderr}`);
  }
  return child.stdout;
};

describe('FileStorage on an unwritable directory', () => {
  it('rejects with the path and the fix', async () => {
    const directory = await directories.create();
    await chmod(directory, 0o555);

    const message = await openUnprivileged(directory);

    expect(message).toContain(`cannot open the record log at ${join(directory, RECORD_LOG_FILE_NAME)}`);
    expect(message).toContain('EACCES');
    expect(message).toContain(`give the user running the node read and write access to ${directory}`);
  });

  it('the same check opens a writable directory', async () => {
    const directory = await directories.create();
    await chmod(directory, 0o777);

    expect(await openUnprivileged(directory)).toBe('opened');
  });
});
