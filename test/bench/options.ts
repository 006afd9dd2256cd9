/** Command-line flags of `npm run bench`. */
import * as E from 'fp-ts/lib/Either.js';

export interface BenchOptions {
  readonly quick: boolean;
  /** File to write the results to as JSON; `undefined` writes none. */
  readonly jsonPath: string | undefined;
  readonly help: boolean;
}

export const USAGE = [
  'usage: npm run bench -- [--quick] [--json FILE] [--help]',
  '',
  '  --quick       short runs with few samples, to check that every benchmark works (numbers are not comparable)',
  '  --json FILE   also write the results to FILE as JSON',
  '  --help        print this help and exit',
].join('\n');

const VALID_FLAGS = ['--quick', '--json FILE', '--help'];

/** Parses the flags after the script name, or returns a message naming the first bad one. */
export const parseOptions = (args: ReadonlyArray<string>): E.Either<string, BenchOptions> => {
  let quick = false;
  let jsonPath: string | undefined;
  let help = false;

  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;

    if (arg === '--quick') {
      quick = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--json' || arg.startsWith('--json=')) {
      const path = arg === '--json' ? args[index + 1] : arg.slice('--json='.length);
      if (path === undefined || path === '' || (arg === '--json' && path.startsWith('--'))) {
        return E.left('--json needs a file name: use --json FILE');
      }
      jsonPath = path;
      index += arg === '--json' ? 1 : 0;
    } else {
      return E.left(`unknown flag ${JSON.stringify(arg)}; valid flags: ${VALID_FLAGS.join(', ')}`);
    }
  }

  return E.right({ quick, jsonPath, help });
};
