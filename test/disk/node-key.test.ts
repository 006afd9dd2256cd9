import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_KEY_BYTES } from '../../impl/limits.ts';
import { loadOrCreateNodeKey, NODE_KEY_FILE_NAME, type NodeKey, type NodeKeyError } from '../../impl/disk/node-key.ts';
import { MemoryLogger } from '../../impl/ports.ts';
import { TemporaryDirectories } from './support.ts';

const directories = new TemporaryDirectories();

afterEach(async () => {
  await directories.removeAll();
});

const right = (result: E.Either<NodeKeyError, NodeKey>): NodeKey => {
  if (E.isLeft(result)) {
    throw new Error(`expected a key, got ${result.left._tag}: ${result.left.message}`);
  }
  return result.right;
};

const left = (result: E.Either<NodeKeyError, NodeKey>): NodeKeyError => {
  if (E.isRight(result)) {
    throw new Error(`expected an error, got the key at ${result.right.path}`);
  }
  return result.left;
};

/** The raw key bytes, which only a test may look at. */
const keyBytes = (key: NodeKey): number[] => [...key.key.export()];

describe('node key file', () => {
  it('first start creates 32 bytes with mode 0600', async () => {
    const directory = await directories.create();
    const logger = new MemoryLogger();

    const key = right(await loadOrCreateNodeKey(directory, logger));

    const path = join(directory, NODE_KEY_FILE_NAME);
    const info = await stat(path);
    expect(key.created).toBe(true);
    expect(key.path).toBe(path);
    expect((info.mode & 0o777).toString(8)).toBe('600');
    expect(info.size).toBe(NODE_KEY_BYTES);
    expect(keyBytes(key)).toEqual([...(await readFile(path))]);
    expect(logger.entries.map((entry) => entry.message)).toEqual(['created a new node key']);
  });

  it('never logs the key', async () => {
    const directory = await directories.create();
    const logger = new MemoryLogger();

    const key = right(await loadOrCreateNodeKey(directory, logger));

    const logged = JSON.stringify(logger.entries);
    const bytes = Buffer.from(keyBytes(key));
    expect(logged).not.toContain(bytes.toString('hex'));
    expect(logged).not.toContain(bytes.toString('base64'));
    expect(logged).not.toContain(bytes.toString('base64url'));
  });

  it('second start reads the same key', async () => {
    const directory = await directories.create();

    const first = right(await loadOrCreateNodeKey(directory));
    const second = right(await loadOrCreateNodeKey(directory));

    expect(second.created).toBe(false);
    expect(keyBytes(second)).toEqual(keyBytes(first));
  });

  it('concurrent starts agree on one key', async () => {
    const directory = await directories.create();

    const keys = (await Promise.all(Array.from({ length: 8 }, () => loadOrCreateNodeKey(directory)))).map(right);

    const distinct = new Set(keys.map((key) => Buffer.from(keyBytes(key)).toString('hex')));
    expect(distinct.size).toBe(1);
    expect(keys.filter((key) => key.created)).toHaveLength(1);
    expect(await readdir(directory)).toEqual([NODE_KEY_FILE_NAME]);
  });

  it('mode 0644 is refused with the chmod fix', async () => {
    const directory = await directories.create();
    const { path } = right(await loadOrCreateNodeKey(directory));
    await chmod(path, 0o644);

    const error = left(await loadOrCreateNodeKey(directory));

    expect(error._tag).toBe('KeyFileTooOpen');
    expect(error.message).toContain(`node key ${path} has mode 0644`);
    expect(error.message).toContain(`run chmod 600 ${path}`);
  });

  it('any group or other permission is refused', async () => {
    const directory = await directories.create();
    const { path } = right(await loadOrCreateNodeKey(directory));

    for (const mode of [0o640, 0o604, 0o610, 0o601]) {
      await chmod(path, mode);
      expect(left(await loadOrCreateNodeKey(directory))._tag).toBe('KeyFileTooOpen');
    }
    await chmod(path, 0o400);
    expect(right(await loadOrCreateNodeKey(directory)).created).toBe(false);
  });

  it('wrong size is refused with the path', async () => {
    const directory = await directories.create();
    const path = join(directory, NODE_KEY_FILE_NAME);

    for (const size of [0, NODE_KEY_BYTES - 1, NODE_KEY_BYTES + 1]) {
      await writeFile(path, new Uint8Array(size), { mode: 0o600 });
      const error = left(await loadOrCreateNodeKey(directory));

      expect(error._tag).toBe('KeyFileWrongSize');
      expect(error.message).toContain(`node key ${path} has ${size} bytes, but a node key has exactly ${NODE_KEY_BYTES}`);
    }
    // The refused file is left as it was.
    expect((await stat(path)).size).toBe(NODE_KEY_BYTES + 1);
  });

  it('a directory in place of the key is refused', async () => {
    const directory = await directories.create();
    await mkdir(join(directory, NODE_KEY_FILE_NAME));

    expect(left(await loadOrCreateNodeKey(directory))._tag).toBe('KeyFileNotRegular');
  });

  it('a missing data directory is an I/O error naming it', async () => {
    const directory = join(await directories.create(), 'missing');

    const error = left(await loadOrCreateNodeKey(directory));

    expect(error._tag).toBe('KeyFileIo');
    expect(error.message).toContain(`cannot create the node key at ${join(directory, NODE_KEY_FILE_NAME)}`);
    expect(error.message).toContain(`create the data directory ${directory}`);
  });
});
