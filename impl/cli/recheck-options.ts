/** Options of `shardcap recheck`: parsing, validation and help text. */
import * as E from 'fp-ts/lib/Either.js';
import { parseArgs } from 'node:util';
import { CHECK_DEFAULTS } from './check-options.ts';
import { parseArgsErrorMessage } from './parse-args-error.ts';

export interface RecheckOptions {
  /** Path of the recorded run file. */
  readonly file: string;
  /** Linearizability search nodes per object before the verdict is unknown. */
  readonly budget: number;
  readonly json: boolean;
}

/** Largest --budget, the same as `shardcap check` accepts. */
export const BUDGET_MAX = 1_000_000_000;

export const recheckHelp = (): string =>
  [
    'usage: shardcap recheck FILE [options]',
    '',
    'Checks a recorded run file again against the model: linearizability of each object, owner',
    'locality, the message bound, failure isolation and offline attenuation. A run on real processes',
    'cannot be replayed, so shardcap check --cluster keeps the whole run in such a file when it finds a',
    'violation or runs out of budget. Other harnesses may write the format too; docs/checker.md',
    'describes it under "Recorded run files".',
    '',
    'options:',
    `  --budget N  linearizability search nodes per object before the verdict is unknown (default ${CHECK_DEFAULTS.budget})`,
    '  --json      print one JSON summary object on stdout instead of the report',
    '  -h, --help  print this help and exit',
    '',
    'exit status: 0 when the run passes, 1 on a violation, 2 for bad usage, a file that cannot be read',
    'or is invalid, or an unknown verdict (raise --budget to decide it).',
  ].join('\n');

const parseBudget = (text: string | undefined): E.Either<string, number> => {
  if (text === undefined) {
    return E.right(CHECK_DEFAULTS.budget);
  }
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > BUDGET_MAX) {
    return E.left(`invalid --budget ${JSON.stringify(text)}: expected an integer from 1 to ${BUDGET_MAX}`);
  }
  return E.right(value);
};

/** Parses `argv`, the arguments after `recheck`; on bad usage returns the message. */
export const parseRecheckOptions = (argv: ReadonlyArray<string>): E.Either<string, RecheckOptions | 'help'> => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        budget: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return E.left(parseArgsErrorMessage(error));
  }
  if (parsed.values.help === true) {
    return E.right('help');
  }

  const [file, ...extra] = parsed.positionals;
  if (file === undefined || file === '') {
    return E.left('missing FILE: give the path of a recorded run file');
  }
  if (extra.length > 0) {
    return E.left(`expected one FILE, got ${parsed.positionals.length}: ${parsed.positionals.map((each) => JSON.stringify(each)).join(' ')}; recheck one file at a time`);
  }
  const budget = parseBudget(parsed.values.budget);
  if (E.isLeft(budget)) {
    return budget;
  }
  return E.right({ file, budget: budget.right, json: parsed.values.json === true });
};
