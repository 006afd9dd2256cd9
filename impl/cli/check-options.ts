/** Options of `shardcap check`: parsing, validation and help text. */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from '../../properties/adapter.ts';
import { MUTANTS } from '../../properties/mutants.ts';

export interface CheckOptions {
  /** `reference`, `model` or `mutant:<name>`. */
  readonly impl: string;
  readonly runs: number;
  readonly seed: number;
  readonly seedGiven: boolean;
  readonly nodes: number;
  readonly clients: number;
  readonly faults: ReadonlySet<FaultKind>;
  readonly report: string | undefined;
  /** fast-check path from a replay token `<seed>:<path>`. */
  readonly path: string | undefined;
  readonly json: boolean;
  readonly budget: number;
}

export const CHECK_DEFAULTS = {
  runs: 1000,
  nodes: 4,
  clients: 3,
  budget: 100_000,
} as const;

export const checkHelp = (): string =>
  [
    'usage: shardcap check [options]',
    '',
    'Runs random distributed histories (concurrent clients, crashes, restarts, partitions, lost,',
    'duplicated and delayed messages, torn disk writes) against an implementation on the',
    'deterministic simulator and checks each one against the model.',
    '',
    'options:',
    '  --impl NAME      implementation: reference (default), model, or mutant:NAME with NAME one of',
    `                   ${MUTANTS.map((mutant) => mutant.name).join(', ')}`,
    `  --runs N         number of histories (default ${CHECK_DEFAULTS.runs})`,
    '  --seed=S         32-bit integer seed of the campaign (default: drawn at random and printed);',
    '                   write a negative seed with =, as in --seed=-7',
    `  --nodes N        largest number of owner nodes in a history (default ${CHECK_DEFAULTS.nodes}, 1 to 64)`,
    `  --clients N      largest number of concurrent clients in a history (default ${CHECK_DEFAULTS.clients}, 1 to 64)`,
    `  --faults LIST    comma-separated fault kinds to inject: ${FAULT_KINDS.join(', ')}, all or none (default all)`,
    `  --budget N       linearizability search nodes per object before the verdict is unknown (default ${CHECK_DEFAULTS.budget})`,
    '  --report DIR     on a violation, write an HTML page with the shrunk history to DIR',
    '  --replay=TOKEN   rerun exactly one failing history; TOKEN is the <seed>:<path> a failure prints.',
    '                   Give the same --impl, --nodes, --clients and --faults as the failing run',
    '  --json           print one JSON summary object on stdout instead of the table',
    '  -h, --help       print this help and exit',
    '',
    'exit status: 0 when every history passed, 1 when a violation was found, 2 for bad usage or',
    'when the checker ran out of budget on some history (verdict unknown).',
  ].join('\n');

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const integerOption = (name: string, text: string | undefined, fallback: number, min: number, max: number): number => {
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: expected an integer from ${min} to ${max}`);
  }
  return value;
};

const parseFaults = (text: string | undefined): ReadonlySet<FaultKind> => {
  if (text === undefined || text === 'all') {
    return new Set(FAULT_KINDS);
  }
  if (text === 'none') {
    return new Set();
  }
  const kinds = text.split(',').map((kind) => kind.trim());
  for (const kind of kinds) {
    if (!(FAULT_KINDS as ReadonlyArray<string>).includes(kind)) {
      throw new UsageError(`invalid fault kind ${JSON.stringify(kind)} in --faults: use ${FAULT_KINDS.join(', ')}, all or none`);
    }
  }
  return new Set(kinds as FaultKind[]);
};

const parseImpl = (text: string | undefined): string => {
  const impl = text ?? 'reference';
  if (impl === 'reference' || impl === 'model') {
    return impl;
  }
  const name = impl.startsWith('mutant:') ? impl.slice('mutant:'.length) : undefined;
  if (name === undefined || !MUTANTS.some((mutant) => mutant.name === name)) {
    throw new UsageError(
      `unknown --impl ${JSON.stringify(impl)}: use reference, model or mutant:NAME with NAME one of ${MUTANTS.map((mutant) => mutant.name).join(', ')}`,
    );
  }
  return impl;
};

/** Parses `argv` (the arguments after `check`); `randomSeed` supplies the seed when none is given. */
export const parseCheckOptions = (argv: ReadonlyArray<string>, randomSeed: () => number): CheckOptions | 'help' => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        impl: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        nodes: { type: 'string' },
        clients: { type: 'string' },
        faults: { type: 'string' },
        report: { type: 'string' },
        replay: { type: 'string' },
        budget: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help === true) {
    return 'help';
  }

  let seedText = values.seed;
  let path: string | undefined;
  if (values.replay !== undefined) {
    const match = /^(-?[0-9]{1,11}):([0-9]{1,7}(?::[0-9]{1,7}){0,9999})$/.exec(values.replay);
    if (match === null || match[1] === undefined) {
      throw new UsageError(
        `invalid --replay ${JSON.stringify(values.replay)}: expected <seed>:<path> as printed by a failed check, such as --replay=123:4:0:1`,
      );
    }
    if (seedText !== undefined && Number(seedText) !== Number(match[1])) {
      throw new UsageError(`--seed ${seedText} disagrees with the seed ${match[1]} of --replay; drop --seed`);
    }
    seedText = match[1];
    path = match[2];
  }
  if (values.report !== undefined && values.report.trim() === '') {
    throw new UsageError('invalid --report "": give the directory to write the HTML report to');
  }

  return {
    impl: parseImpl(values.impl),
    runs: integerOption('runs', values.runs, CHECK_DEFAULTS.runs, 1, 100_000_000),
    seed: seedText === undefined ? randomSeed() : integerOption('seed', seedText, 0, -(2 ** 31), 2 ** 31 - 1),
    seedGiven: seedText !== undefined,
    nodes: integerOption('nodes', values.nodes, CHECK_DEFAULTS.nodes, 1, 64),
    clients: integerOption('clients', values.clients, CHECK_DEFAULTS.clients, 1, 64),
    faults: parseFaults(values.faults),
    report: values.report,
    path,
    json: values.json === true,
    budget: integerOption('budget', values.budget, CHECK_DEFAULTS.budget, 1, 1_000_000_000),
  };
};
