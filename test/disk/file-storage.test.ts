import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStorage, RECORD_LOG_FILE_NAME } from '../../impl/disk/file-storage.ts';
import { bytesOf, InstrumentedFiles, TemporaryDirectories } from './support.ts';

const directories = new TemporaryDirectories();
const opened: FileStorage[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close().catch(() => undefined)));
  await directories.removeAll();
});

const openStorage = async (directory: string, files?: InstrumentedFiles): Promise<FileStorage> => {
  const storage = await FileStorage.open(directory, files === undefined ? {} : { openFile: files.open });
  opened.push(storage);
  return storage;
};

const fileBytes = async (directory: string): Promise<number[]> => [...(await readFile(join(directory, RECORD_LOG_FILE_NAME)))];

/** Lets pending promise callbacks and file system callbacks run. */
const settleIo = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('FileStorage', () => {
  it('append, sync and load round trip', async () => {
    const directory = await directories.create();
    const storage = await openStorage(directory);

    storage.append(bytesOf(1, 2, 3));
    storage.append(bytesOf(4));
    expect(await fileBytes(directory)).toEqual([]);
    expect([...(await storage.load())]).toEqual([1, 2, 3, 4]);
    await storage.sync();

    expect(await fileBytes(directory)).toEqual([1, 2, 3, 4]);
    expect([...(await storage.load())]).toEqual([1, 2, 3, 4]);
    expect(storage.stats.bytesWritten).toBe(4);
  });

  it('creates the log with mode 0600', async () => {
    const directory = await directories.create();
    await openStorage(directory);

    const mode = (await stat(join(directory, RECORD_LOG_FILE_NAME))).mode & 0o777;

    expect(mode.toString(8)).toBe('600');
  });

  it('append copies the bytes', async () => {
    const directory = await directories.create();
    const storage = await openStorage(directory);
    const buffer = bytesOf(1, 2);

    storage.append(buffer);
    buffer.fill(9);
    await storage.sync();

    expect(await fileBytes(directory)).toEqual([1, 2]);
  });

  it('reopen after close keeps the bytes', async () => {
    const directory = await directories.create();
    const first = await openStorage(directory);
    first.append(bytesOf(1, 2));
    await first.sync();
    first.append(bytesOf(3));
    await first.close();

    const second = await openStorage(directory);
    second.append(bytesOf(4));
    await second.sync();

    expect([...(await second.load())]).toEqual([1, 2, 3, 4]);
    expect(() => first.append(bytesOf(5))).toThrow(/is closed: open a new FileStorage/);
    await expect(first.sync()).rejects.toThrow(/is closed/);
    await expect(first.load()).rejects.toThrow(/is closed/);
  });

  it('opens an existing log at its length', async () => {
    const directory = await directories.create();
    await writeFile(join(directory, RECORD_LOG_FILE_NAME), Uint8Array.from([7, 7, 7]));
    const storage = await openStorage(directory);

    storage.append(bytesOf(8));
    await storage.sync();

    expect([...(await storage.load())]).toEqual([7, 7, 7, 8]);
    await expect(storage.truncate(2)).resolves.toBeUndefined();
    expect(await fileBytes(directory)).toEqual([7, 7]);
  });

  it('truncate cuts the file and later appends follow the cut', async () => {
    const directory = await directories.create();
    const storage = await openStorage(directory);
    storage.append(bytesOf(1, 2, 3, 4, 5));
    await storage.sync();

    await storage.truncate(2);
    expect(await fileBytes(directory)).toEqual([1, 2]);
    storage.append(bytesOf(9));
    await storage.sync();
    await storage.close();

    const reopened = await openStorage(directory);
    expect([...(await reopened.load())]).toEqual([1, 2, 9]);
  });

  it('truncate rejects calls that break its contract', async () => {
    const directory = await directories.create();
    const storage = await openStorage(directory);
    storage.append(bytesOf(1, 2));
    await storage.sync();

    expect(() => storage.truncate(3)).toThrow(/invalid truncate length 3 .*use 0 to the durable length \(2\)/);
    expect(() => storage.truncate(-1)).toThrow(RangeError);
    storage.append(bytesOf(3));
    expect(() => storage.truncate(1)).toThrow(/with 1 unsynced bytes/);
    await storage.sync();

    const cut = storage.truncate(1);
    expect(() => storage.append(bytesOf(4))).toThrow(/while a truncate is pending/);
    expect(() => storage.truncate(0)).toThrow(/an operation pending/);
    await cut;
    expect(await fileBytes(directory)).toEqual([1]);
  });

  it('truncate calls fsync', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(1, 2));
    await storage.sync();

    await storage.truncate(0);

    expect(files.fileSyncs).toBe(2);
    expect(storage.stats.fsyncs).toBe(2);
  });

  it('concurrent syncs share one fsync', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(1));

    await Promise.all([storage.sync(), storage.sync(), storage.sync()]);

    expect(files.fileSyncs).toBe(1);
    expect(await fileBytes(directory)).toEqual([1]);
  });

  it('syncs during an fsync share the next one', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    const resolved: string[] = [];
    const track = (name: string, promise: Promise<void>): Promise<void> => promise.then(() => void resolved.push(name));

    files.hold = true;
    storage.append(bytesOf(1));
    const first = track('first', storage.sync());
    await settleIo();
    expect(files.heldSyncs).toBe(1);

    storage.append(bytesOf(2));
    const second = track('second', storage.sync());
    storage.append(bytesOf(3));
    const third = track('third', storage.sync());
    const fourth = track('fourth', storage.sync());
    expect(resolved).toEqual([]);

    files.release();
    await Promise.all([first, second, third, fourth]);

    expect(files.fileSyncs).toBe(2);
    expect(resolved).toEqual(['first', 'second', 'third', 'fourth']);
    expect(await fileBytes(directory)).toEqual([1, 2, 3]);
  });

  it('sync with nothing appended calls no fsync', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);

    await storage.sync();

    expect(files.fileSyncs).toBe(0);
  });

  it('load during an fsync returns every appended byte', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);

    files.hold = true;
    storage.append(bytesOf(1, 2));
    const synced = storage.sync();
    storage.append(bytesOf(3));
    const early = await storage.load();
    await settleIo();
    const written = await storage.load();
    files.release();
    await synced;

    expect([...early]).toEqual([1, 2, 3]);
    expect([...written]).toEqual([1, 2, 3]);
  });

  it('close syncs buffered appends', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(5, 6));

    await storage.close();

    expect(files.fileSyncs).toBe(1);
    expect(await fileBytes(directory)).toEqual([5, 6]);
  });
});

describe('FileStorage errors', () => {
  it('open names the path and the fix', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    files.failNext('open', 'EACCES');
    const path = join(directory, RECORD_LOG_FILE_NAME);

    const opening = FileStorage.open(directory, { openFile: files.open });

    await expect(opening).rejects.toThrow(`cannot open the record log at ${path}`);
    await expect(opening).rejects.toThrow(`give the user running the node read and write access to ${directory}`);
    await expect(opening).rejects.toMatchObject({ name: 'FileError', code: 'EACCES', path });
  });

  it('a missing data directory names the directory', async () => {
    const directory = join(await directories.create(), 'missing');

    await expect(FileStorage.open(directory)).rejects.toThrow(`create the data directory ${directory}, or choose an existing one`);
  });

  it('ENOSPC on write fails the sync and every later call', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    const path = join(directory, RECORD_LOG_FILE_NAME);
    storage.append(bytesOf(1));
    files.failNext('write', 'ENOSPC');

    const failed = storage.sync();

    await expect(failed).rejects.toThrow(`cannot write the record log at ${path}`);
    await expect(failed).rejects.toThrow(`free space on the file system that holds ${directory}`);
    await expect(failed).rejects.toThrow('restart the node so that it recovers from the durable log');
    expect(() => storage.append(bytesOf(2))).toThrow(/ENOSPC/);
    await expect(storage.sync()).rejects.toThrow(/ENOSPC/);
  });

  it('EIO on fsync rejects the shared syncs', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(1));
    files.failNext('sync', 'EIO');

    const results = await Promise.allSettled([storage.sync(), storage.sync()]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('cannot sync the record log');
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('check the disk and the kernel log');
  });

  it('a queued sync rejects when the one before fails', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(1));
    files.failNext('sync', 'EIO');
    const first = storage.sync();
    storage.append(bytesOf(2));
    const second = storage.sync();

    await expect(first).rejects.toThrow(/EIO/);
    await expect(second).rejects.toThrow(/EIO/);
    expect(files.fileSyncs).toBe(0);
  });

  it('a failed truncate fails the storage', async () => {
    const directory = await directories.create();
    const files = new InstrumentedFiles();
    const storage = await openStorage(directory, files);
    storage.append(bytesOf(1, 2));
    await storage.sync();
    files.failNext('truncate', 'EIO');

    await expect(storage.truncate(1)).rejects.toThrow(/cannot truncate the record log/);
    expect(() => storage.append(bytesOf(3))).toThrow(/EIO/);
  });
});
