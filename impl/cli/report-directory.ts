/**
 * The directory of `--report`. The command checks it before a campaign, so that a bad path does
 * not cost a whole run, and creates it only when it writes a report into it.
 */
import { constants, existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { makeDirectory } from './make-directory.ts';

/** Returns the problem with writing a report to `dir`, or null when it can be written. Creates nothing. */
export const checkReportDirectory = async (dir: string): Promise<string | null> => {
  let current = resolve(dir);
  while (!existsSync(current)) {
    current = dirname(current);
  }
  try {
    if (!(await stat(current)).isDirectory()) {
      return `invalid --report ${JSON.stringify(dir)}: ${current} is not a directory; give a directory path`;
    }
    // The deepest existing level must be writable: it is the report directory itself, or the
    // level that the missing ones are created in.
    await access(current, constants.W_OK);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cannot use --report ${JSON.stringify(dir)}: ${reason}; give a writable directory`;
  }
};

/** Creates `dir` and any missing parent, as `mkdir -p` does. */
export const createReportDirectory = (dir: string): Promise<void> => makeDirectory(resolve(dir), 0o777);
