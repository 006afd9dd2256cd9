/**
 * The `Storage` port over one append-only file, `records.log` in the node's data directory.
 *
 * `append` only buffers in memory. `sync` writes the buffered bytes and calls `fsync`, with group
 * commit: while one write and fsync is in flight, every later `sync` call shares the single next
 * one. After a failed write or fsync the storage rejects every later call, because the durable
 * contents of the file are then unknown.
 *
 * Two writers would interleave records, so a node takes the data directory's lock
 * (`data-lock.ts`) before it opens the storage; the storage itself does not check.
 */
import { constants as bufferConstants } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GroupSync } from '../log/group-sync.ts';
import type { Storage } from '../ports.ts';
import { FileError, fileError } from './file-error.ts';

/** Name of the record log file inside the data directory. */
export const RECORD_LOG_FILE_NAME = 'records.log';

/** Opens a file as `fs/promises.open` does. Tests pass a wrapper to count or fail calls. */
export type OpenFile = (path: string, flags: string, mode?: number) => Promise<FileHandle>;

export interface FileStorageOptions {
  /** `open` from `node:fs/promises` unless set. */
  readonly openFile?: OpenFile;
}

export interface FileStorageStats {
  /** Calls of `fsync` on the log file, including those of `truncate`. */
  fsyncs: number;
  /** Bytes written to the log file since it was opened. */
  bytesWritten: number;
}

export class FileStorage implements Storage {
  readonly stats: FileStorageStats = { fsyncs: 0, bytesWritten: 0 };

  /** Appended chunks not yet handed to a write. */
  private pending: Uint8Array[] = [];
  /** Chunks of the write in progress. They are counted in `fileLength` only once the write
   * completes, so `load` takes them from memory until then. */
  private writing: ReadonlyArray<Uint8Array> = [];
  /** Bytes in the file: everything written, durable or not. */
  private fileLength: number;
  /** Bytes in the log, counting buffered appends. */
  private appendedLength: number;
  /** Group commit of the writes and fsyncs. It tracks the bytes known to be durable. */
  private readonly group: GroupSync;
  private truncation: Promise<void> | undefined;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    length: number,
  ) {
    this.fileLength = length;
    this.appendedLength = length;
    this.group = new GroupSync({
      synced: length,
      appended: () => this.appendedLength,
      flush: () => this.writePending(),
      failure: (error) => this.failSync(error),
    });
  }

  /**
   * Opens or creates `records.log` in `dataDirectory`, which must exist, with mode 0600. The
   * directory is synced too, so that a newly created file survives a crash. Rejects with a
   * `FileError` naming the path and the fix.
   */
  static async open(dataDirectory: string, options: FileStorageOptions = {}): Promise<FileStorage> {
    const openFile = options.openFile ?? open;
    const path = join(dataDirectory, RECORD_LOG_FILE_NAME);

    let handle: FileHandle;
    try {
      // O_APPEND: every write goes to the end of the file, whatever its position.
      handle = await openFile(path, 'a+', 0o600);
    } catch (error) {
      throw fileError(error, path, 'open the record log');
    }

    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new FileError(`record log ${path} is not a regular file: move it aside and restart the node`, path, undefined);
      }
      await syncDirectory(openFile, dataDirectory);
      return new FileStorage(path, handle, stat.size);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error instanceof FileError ? error : fileError(error, path, 'open the record log');
    }
  }

  append(bytes: Uint8Array): void {
    this.throwIfUnusable();
    if (this.truncation !== undefined) {
      throw new Error(`cannot append to ${this.path} while a truncate is pending: await truncate() first`);
    }

    // `new Uint8Array(view)` copies, even for a Node Buffer, whose `slice()` would share memory.
    this.pending.push(new Uint8Array(bytes));
    this.appendedLength += bytes.byteLength;
  }

  sync(): Promise<void> {
    try {
      this.throwIfUnusable();
    } catch (error) {
      return Promise.reject(error);
    }

    return this.group.sync();
  }

  /** Reads the file and appends the bytes still buffered in memory. */
  async load(): Promise<Uint8Array> {
    this.throwIfUnusable();
    await this.truncation?.catch(() => undefined);
    this.throwIfUnusable();

    // The in-flight chunks and the pending ones follow the first `fileLength` bytes of the file,
    // whatever a concurrent write adds to the file while it is read.
    const length = this.fileLength;
    const buffered = [...this.writing, ...this.pending];
    const head = await this.readFile(length);
    return concatenate([head, ...buffered]);
  }

  /**
   * Cuts the file to `length` bytes with `ftruncate`, then calls `fsync`. Throws, without
   * touching the file, when the call breaks the `Storage.truncate` contract: a length past the
   * durable bytes, unsynced appends, or a sync or truncate still pending.
   */
  truncate(length: number): Promise<void> {
    this.throwIfUnusable();
    const synced = this.group.syncedThrough;
    if (!(Number.isSafeInteger(length) && length >= 0 && length <= synced)) {
      throw new RangeError(`invalid truncate length ${length} for ${this.path}: use 0 to the durable length (${synced})`);
    }
    if (this.appendedLength > synced || this.group.flushing || this.truncation !== undefined) {
      throw new Error(
        `cannot truncate ${this.path} with ${this.appendedLength - synced} unsynced bytes or an operation pending: await sync() first`,
      );
    }

    const truncation = this.cut(length).finally(() => {
      this.truncation = undefined;
    });
    this.truncation = truncation;
    return truncation;
  }

  /**
   * Syncs the bytes appended so far, then closes the file. Appends and syncs called after
   * `close` throw or reject. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const flushed = this.failure === undefined ? this.syncUnchecked() : Promise.resolve();
    try {
      await flushed;
      await this.truncation;
    } finally {
      await this.handle.close();
    }
  }

  /** `sync` without the closed check, for `close` itself. */
  private syncUnchecked(): Promise<void> {
    return this.appendedLength <= this.group.syncedThrough ? this.group.current() : this.group.sync();
  }

  /** Writes every pending chunk and calls `fsync`: the flush of the group commit. */
  private writePending(): Promise<void> {
    const chunks = this.pending;
    this.pending = [];
    return this.writeAndSync(chunks);
  }

  private async writeAndSync(chunks: ReadonlyArray<Uint8Array>): Promise<void> {
    const bytes = concatenate(chunks);
    this.writing = chunks;
    let written = 0;
    try {
      // A write may be partial, for instance when a signal interrupts it.
      while (written < bytes.byteLength) {
        const { bytesWritten } = await this.handle.write(bytes, written, bytes.byteLength - written);
        written += bytesWritten;
        this.stats.bytesWritten += bytesWritten;
      }
    } catch (error) {
      throw fileError(error, this.path, 'write the record log');
    } finally {
      this.fileLength += written;
      this.writing = [];
    }

    try {
      await this.handle.sync();
      this.stats.fsyncs += 1;
    } catch (error) {
      throw fileError(error, this.path, 'sync the record log');
    }
  }

  /** Records a failed write or fsync and returns the error that every waiting caller gets. */
  private failSync(error: unknown): Error {
    const failure = new FileError(
      `${error instanceof Error ? error.message : String(error)}. The record log accepts nothing more; restart the node so that it recovers from the durable log`,
      this.path,
      error instanceof FileError ? error.code : undefined,
      { cause: error },
    );
    this.failure = failure;
    return failure;
  }

  private async cut(length: number): Promise<void> {
    try {
      await this.handle.truncate(length);
      await this.handle.sync();
      this.stats.fsyncs += 1;
    } catch (error) {
      const failure = fileError(error, this.path, 'truncate the record log');
      this.failure = failure;
      throw failure;
    }
    this.fileLength = length;
    this.appendedLength = length;
    this.group.resetTo(length);
  }

  /** Reads the first `length` bytes of the file. */
  private async readFile(length: number): Promise<Uint8Array> {
    if (length > bufferConstants.MAX_LENGTH) {
      throw new FileError(
        `record log ${this.path} has ${length} bytes, more than the ${bufferConstants.MAX_LENGTH} bytes one buffer can hold: the log cannot be loaded`,
        this.path,
        undefined,
      );
    }

    const out = new Uint8Array(length);
    let offset = 0;
    try {
      while (offset < length) {
        const { bytesRead } = await this.handle.read(out, offset, length - offset, offset);
        if (bytesRead === 0) {
          break;
        }
        offset += bytesRead;
      }
    } catch (error) {
      throw fileError(error, this.path, 'read the record log');
    }

    if (offset < length) {
      throw new FileError(
        `record log ${this.path} ended after ${offset} of ${length} bytes: another process changed it, so stop that process and restart the node`,
        this.path,
        undefined,
      );
    }
    return out;
  }

  private throwIfUnusable(): void {
    if (this.closing !== undefined) {
      throw new Error(`record log ${this.path} is closed: open a new FileStorage to use it again`);
    }
    if (this.failure !== undefined) {
      throw this.failure;
    }
  }
}

/** Calls `fsync` on a directory, which makes the entries of files created in it durable. */
const syncDirectory = async (openFile: OpenFile, directory: string): Promise<void> => {
  let handle: FileHandle;
  try {
    handle = await openFile(directory, 'r');
  } catch (error) {
    throw fileError(error, directory, 'open the data directory');
  }
  try {
    await handle.sync();
  } catch (error) {
    throw fileError(error, directory, 'sync the data directory');
  } finally {
    await handle.close();
  }
};

const concatenate = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1 && chunks[0] !== undefined) {
    return chunks[0];
  }

  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
};
