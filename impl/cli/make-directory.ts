/** `mkdir -p` for data directories. */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Creates `path` and each missing parent with `mode`, and succeeds when `path` already is a
 * directory. Rejects with the errno error of the first component that cannot be created, and with
 * ENOTDIR when a component exists but is not a directory.
 *
 * Node's own `mkdir(path, { recursive: true })` did not settle in a test with Node.js 20.20 on
 * Linux when the file system returned ENOENT for a new child of an existing directory, as procfs
 * does for `/proc/x`. This walk tries each component at most twice, so it always ends.
 */
export const makeDirectory = async (path: string, mode: number): Promise<void> => {
  const first = await tryMkdir(path, mode);
  if (first !== 'ENOENT') {
    return;
  }

  const parent = dirname(path);
  if (parent === path) {
    throw Object.assign(new Error(`ENOENT: the root directory ${path} does not exist`), { code: 'ENOENT' });
  }
  await makeDirectory(parent, mode);

  const second = await tryMkdir(path, mode);
  if (second === 'ENOENT') {
    throw Object.assign(new Error(`ENOENT: cannot create ${path} although its parent exists`), { code: 'ENOENT' });
  }
};

/** Creates one directory. Returns 'ENOENT' when the parent is missing, and throws on any other
 * failure. */
const tryMkdir = async (path: string, mode: number): Promise<'done' | 'ENOENT'> => {
  try {
    await mkdir(path, { mode });
    return 'done';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return 'ENOENT';
    }
    if (code === 'EEXIST') {
      const existing = await stat(path);
      if (existing.isDirectory()) {
        return 'done';
      }
      throw Object.assign(new Error(`ENOTDIR: ${path} exists and is not a directory`), { code: 'ENOTDIR' });
    }
    throw error;
  }
};
