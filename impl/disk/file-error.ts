/** Errors of file operations in the data directory, with the path and what the operator can do. */
import { dirname } from 'node:path';

/** A failed file operation. `code` is the errno code, such as `EACCES`, when the system gave one. */
export class FileError extends Error {
  override readonly name = 'FileError';

  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Returns the operator's next step for an errno code. */
const adviceFor = (code: string | undefined, path: string): string => {
  const directory = dirname(path);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `give the user running the node read and write access to ${directory} (for example with chown or chmod u+rwx)`;
    case 'ENOSPC':
      return `free space on the file system that holds ${directory}, then restart the node`;
    case 'EDQUOT':
      return `raise the disk quota of the user running the node or free space in ${directory}, then restart the node`;
    case 'EIO':
      return 'check the disk and the kernel log; if the node does not restart cleanly, restore the data directory from a backup';
    case 'EROFS':
      return `remount the file system that holds ${directory} read-write, or choose another data directory`;
    case 'ENOENT':
      return `create the data directory ${directory}, or choose an existing one`;
    case 'ENOTDIR':
      return `choose a data directory path whose components are all directories`;
    case 'EISDIR':
      return `move the directory at ${path} aside`;
    case 'EMFILE':
    case 'ENFILE':
      return 'raise the limit on open files (ulimit -n) or close other files';
    default:
      return `check ${path} and the file system that holds it`;
  }
};

/** Wraps an error of `action` (such as "open the record log") on `path` into a `FileError` whose
 * message names the path, the errno code and the fix. */
export const fileError = (error: unknown, path: string, action: string): FileError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return new FileError(`cannot ${action} at ${path} (${reason}): ${adviceFor(code, path)}`, path, code, { cause: error });
};
