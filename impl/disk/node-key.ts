/**
 * The node's secret MAC key, `node.key` in its data directory: NODE_KEY_BYTES random bytes, mode
 * 0600. The first start creates it and later starts read it. Every token the node minted depends
 * on it, so a node refuses to start with a key file that others can read or that has the wrong
 * size, and never replaces an existing file.
 */
import { randomBytes } from 'node:crypto';
import { link, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { NODE_KEY_BYTES } from '../limits.ts';
import type { Logger } from '../ports.ts';
import { ownerKey, type OwnerKey } from '../token/index.ts';
import { fileError } from './file-error.ts';

/** Name of the key file inside the data directory. */
export const NODE_KEY_FILE_NAME = 'node.key';

/** Failure to use the key file. `message` names the path and the fix. */
export type NodeKeyError =
  /** Group or others have some permission on the file. */
  | { readonly _tag: 'KeyFileTooOpen'; readonly path: string; readonly mode: number; readonly message: string }
  | { readonly _tag: 'KeyFileWrongSize'; readonly path: string; readonly size: number; readonly message: string }
  | { readonly _tag: 'KeyFileNotRegular'; readonly path: string; readonly message: string }
  /** The file system failed, for instance a missing or unwritable data directory. */
  | { readonly _tag: 'KeyFileIo'; readonly path: string; readonly code: string | undefined; readonly message: string };

export interface NodeKey {
  readonly key: OwnerKey;
  readonly path: string;
  /** Whether this call created the file. */
  readonly created: boolean;
}

/**
 * Reads the node key from `<dataDirectory>/node.key`, creating the file first when it does not
 * exist. The directory must exist. Two processes that start at once end up with the same key.
 */
export const loadOrCreateNodeKey = async (
  dataDirectory: string,
  logger?: Logger,
): Promise<E.Either<NodeKeyError, NodeKey>> => {
  const path = join(dataDirectory, NODE_KEY_FILE_NAME);

  const existing = await readKeyFile(path);
  if (E.isLeft(existing)) {
    return existing;
  }
  if (existing.right !== undefined) {
    return E.right({ key: existing.right, path, created: false });
  }

  const created = await createKeyFile(dataDirectory, path);
  if (E.isLeft(created)) {
    return created;
  }
  if (created.right) {
    logger?.info({ path }, 'created a new node key');
  }

  // Read back what is on disk: when another process won the race, its key is the one to use.
  const stored = await readKeyFile(path);
  if (E.isLeft(stored)) {
    return stored;
  }
  if (stored.right === undefined) {
    return E.left(ioError(path, undefined, `key file ${path} was missing right after it was created: check what else writes to the data directory`));
  }
  return E.right({ key: stored.right, path, created: created.right });
};

/** Reads and checks the key file. Returns `undefined` when the file does not exist. */
const readKeyFile = async (path: string): Promise<E.Either<NodeKeyError, OwnerKey | undefined>> => {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return E.right(undefined);
    }
    return E.left(fileIoError(error, path, 'read the node key'));
  }

  try {
    // fstat on the open handle, so that the checks apply to the very file that is read.
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return E.left({ _tag: 'KeyFileNotRegular', path, message: `node key ${path} is not a regular file: move it aside` });
    }

    const permissions = stat.mode & 0o777;
    if ((permissions & 0o077) !== 0) {
      return E.left({
        _tag: 'KeyFileTooOpen',
        path,
        mode: permissions,
        message: `node key ${path} has mode ${octal(permissions)}, so other users may read it: run chmod 600 ${path}, and replace the key if someone else may have read it`,
      });
    }
    if (stat.size !== NODE_KEY_BYTES) {
      return E.left(wrongSize(path, stat.size));
    }

    const bytes = new Uint8Array(NODE_KEY_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, NODE_KEY_BYTES, 0);
    if (bytesRead !== NODE_KEY_BYTES) {
      bytes.fill(0);
      return E.left(wrongSize(path, bytesRead));
    }
    const key = ownerKey(bytes);
    bytes.fill(0);
    return E.right(key);
  } catch (error) {
    return E.left(fileIoError(error, path, 'read the node key'));
  } finally {
    await handle.close().catch(() => undefined);
  }
};

/**
 * Creates the key file, whole or not at all, and returns whether this call created it (false
 * when another process did first). The key is written and synced to a temporary file created
 * with the `wx` flag and mode 0600, then linked to `node.key`. `link` fails when `node.key`
 * exists, so two starts cannot both create a key, and a crash never leaves a short key file.
 */
const createKeyFile = async (dataDirectory: string, path: string): Promise<E.Either<NodeKeyError, boolean>> => {
  const temporary = join(dataDirectory, `.${NODE_KEY_FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

  try {
    const handle = await open(temporary, 'wx', 0o600);
    const bytes = randomBytes(NODE_KEY_BYTES);
    try {
      await handle.write(bytes, 0, NODE_KEY_BYTES, 0);
      await handle.sync();
    } finally {
      bytes.fill(0);
      await handle.close();
    }
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    return E.left(fileIoError(error, path, 'create the node key'));
  }

  let created: boolean;
  try {
    await link(temporary, path);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      await unlink(temporary).catch(() => undefined);
      return E.left(fileIoError(error, path, 'create the node key'));
    }
    created = false;
  }

  try {
    await unlink(temporary);
    await syncDirectory(dataDirectory);
  } catch (error) {
    return E.left(fileIoError(error, path, 'create the node key'));
  }
  return E.right(created);
};

const syncDirectory = async (directory: string): Promise<void> => {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const wrongSize = (path: string, size: number): NodeKeyError => ({
  _tag: 'KeyFileWrongSize',
  path,
  size,
  message: `node key ${path} has ${size} bytes, but a node key has exactly ${NODE_KEY_BYTES}: restore it from a backup, or move it aside to create a new key (tokens minted with the old key then stop working)`,
});

const fileIoError = (error: unknown, path: string, action: string): NodeKeyError => {
  const wrapped = fileError(error, path, action);
  return ioError(path, wrapped.code, wrapped.message);
};

const ioError = (path: string, code: string | undefined, message: string): NodeKeyError => ({
  _tag: 'KeyFileIo',
  path,
  code,
  message,
});

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;
