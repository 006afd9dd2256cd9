import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenFile } from '../../impl/disk/file-storage.ts';

/** Temporary data directories, removed in `afterEach`. */
export class TemporaryDirectories {
  private readonly paths: string[] = [];

  async create(): Promise<string> {
    const path = await mkdtemp(join(tmpdir(), 'shardcap-disk-'));
    this.paths.push(path);
    return path;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.paths.splice(0).map((path) => rm(path, { recursive: true, force: true })));
  }
}

export const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Returns an `Error` shaped like a Node file system error with errno `code`. */
export const errnoError = (code: string, syscall: string, path: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: simulated failure, ${syscall} '${path}'`), { code, syscall, path });

/**
 * An `OpenFile` over the real file system that counts `sync` calls on files (not directories)
 * and, while `hold` is set, makes each of them wait until `release()`. `failNext` makes the next
 * call of a method throw an errno error.
 */
export class InstrumentedFiles {
  fileSyncs = 0;
  hold = false;
  private readonly waiting: Array<() => void> = [];
  private readonly failures = new Map<'open' | 'write' | 'sync' | 'truncate', string>();

  readonly open: OpenFile = async (path, flags, mode) => {
    const failure = this.takeFailure('open');
    if (failure !== undefined) {
      throw errnoError(failure, 'open', path);
    }

    const handle = await open(path, flags, mode);
    if (flags === 'r') {
      return handle;
    }
    return this.wrap(handle, path);
  };

  failNext(method: 'open' | 'write' | 'sync' | 'truncate', code: string): void {
    this.failures.set(method, code);
  }

  /** Lets every held sync continue. */
  release(): void {
    this.hold = false;
    for (const resume of this.waiting.splice(0)) {
      resume();
    }
  }

  get heldSyncs(): number {
    return this.waiting.length;
  }

  private wrap(handle: FileHandle, path: string): FileHandle {
    const sync = handle.sync.bind(handle);
    const write = handle.write.bind(handle) as (...args: unknown[]) => ReturnType<FileHandle['write']>;
    const truncate = handle.truncate.bind(handle);

    handle.sync = async () => {
      const failure = this.takeFailure('sync');
      if (failure !== undefined) {
        throw errnoError(failure, 'fsync', path);
      }
      this.fileSyncs += 1;
      if (this.hold) {
        await new Promise<void>((resume) => this.waiting.push(resume));
      }
      return sync();
    };
    handle.write = (async (...args: unknown[]) => {
      const failure = this.takeFailure('write');
      if (failure !== undefined) {
        throw errnoError(failure, 'write', path);
      }
      return write(...args);
    }) as FileHandle['write'];
    handle.truncate = async (length?: number) => {
      const failure = this.takeFailure('truncate');
      if (failure !== undefined) {
        throw errnoError(failure, 'ftruncate', path);
      }
      return truncate(length);
    };
    return handle;
  }

  private takeFailure(method: 'open' | 'write' | 'sync' | 'truncate'): string | undefined {
    const code = this.failures.get(method);
    this.failures.delete(method);
    return code;
  }
}
