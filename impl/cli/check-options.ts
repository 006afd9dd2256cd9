/** Options of `shardcap check`: parsing, validation and help text. */
import { parseArgs } from 'node:util';
import { CLUSTER_FAULT_KINDS, SIMULATOR_FAULT_KINDS, type FaultKind } from '../../properties/adapter.ts';
import { MUTANTS } from '../../properties/mutants.ts';
import { parseArgsErrorMessage } from './parse-args-error.ts';

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
  /** Run against a local cluster of real node processes instead of the simulator. */
  readonly cluster: boolean;
  /** With --cluster: the program and arguments that start a node of another implementation. */
  readonly nodeCommand: ReadonlyArray<string> | undefined;
  /** Worker threads that share this process's histories. */
  readonly workers: number;
  /** The part of the campaign this process runs: shard `index` of `count`, from 1. */
  readonly shard: { readonly index: number; readonly count: number };
}

export const CHECK_DEFAULTS = {
  runs: 1000,
  nodes: 4,
  clients: 3,
  budget: 100_000,
} as const;

/** Defaults of `check --cluster`, where each history takes real time and a node restart takes about a second. */
export const CLUSTER_CHECK_DEFAULTS = {
  runs: 20,
  nodes: 3,
  clients: 6,
} as const;

/** Most node processes `check --cluster` starts. */
export const CLUSTER_CHECK_NODES_MAX = 16;

export const checkHelp = (): string =>
  [
    'usage: shardcap check [options]',
    '',
    'Runs random distributed histories (concurrent clients, crashes, restarts, partitions, lost,',
    'duplicated and delayed messages, torn disk writes) against an implementation on the',
    'deterministic simulator and checks each one against the model. With --cluster, runs them',
    'against a local cluster of real node processes with real faults instead.',
    '',
    'options:',
    '  --impl NAME      implementation: reference (default), model, or mutant:NAME with NAME one of',
    `                   ${MUTANTS.map((mutant) => mutant.name).join(', ')}`,
    `  --runs N         number of histories (default ${CHECK_DEFAULTS.runs}; ${CLUSTER_CHECK_DEFAULTS.runs} with --cluster)`,
    '  --seed=S         32-bit integer seed of the campaign (default: drawn at random and printed);',
    '                   write a negative seed with =, as in --seed=-7',
    `  --nodes N        largest number of owner nodes in a history (default ${CHECK_DEFAULTS.nodes}, 1 to 64); with`,
    `                   --cluster, the number of node processes (default ${CLUSTER_CHECK_DEFAULTS.nodes}, 1 to ${CLUSTER_CHECK_NODES_MAX})`,
    `  --clients N      largest number of concurrent clients in a history (default ${CHECK_DEFAULTS.clients}; ${CLUSTER_CHECK_DEFAULTS.clients} with`,
    '                   --cluster; 1 to 64)',
    '  --faults LIST    comma-separated fault kinds to inject, all or none (default all). On the simulator:',
    `                   ${SIMULATOR_FAULT_KINDS.join(', ')}. With --cluster: ${CLUSTER_FAULT_KINDS.join(', ')}`,
    '                   (crash is kill -9 and restart, pause is SIGSTOP and SIGCONT, disconnect closes',
    "                   a client's TCP connections)",
    `  --budget N       linearizability search nodes per object before the verdict is unknown (default ${CHECK_DEFAULTS.budget})`,
    '  --cluster        start a local cluster of --nodes `shardcap node` processes on 127.0.0.1 with data',
    '                   in a temporary directory, run the histories against it and stop it at the end.',
    '                   Timing is real, so a run cannot be replayed: a failing history is kept in a file',
    "                   for 'shardcap recheck FILE' instead",
    '  --node-command CMD  with --cluster, start each node with CMD instead of `shardcap node`, to check',
    '                   another implementation that speaks the same wire protocol and tokens. CMD is words',
    '                   separated by whitespace (no shell quoting), run without a shell, with {id}, {listen},',
    '                   {host}, {port}, {data} and {peers} replaced; the node prints the ready line',
    '                   "ID listening on HOST:PORT pid PID objects N data DIR" on stdout (docs/deployment.md)',
    '  --report DIR     on a violation, write an HTML page with the history to DIR (shrunk on the',
    '                   simulator, whole with --cluster, where the recorded run also goes to DIR/run.json)',
    '  --replay=TOKEN   rerun exactly one failing history; TOKEN is the <seed>:<path> a failure prints.',
    '                   Give the same --impl, --nodes, --clients and --faults as the failing run.',
    '                   Not with --cluster',
    '  --workers N      run the histories on N worker threads (default 1, 1 to 64); use up to one per core',
    '  --shard K/N      run only part K of N of the campaign (K from 1 to N), for one CI job of N. Give every',
    '                   job the same --seed, --runs and --workers. --runs counts the whole campaign.',
    '                   Each part draws its histories from its own seed, which a failure prints',
    '  --json           print one JSON summary object on stdout instead of the table',
    '  -h, --help       print this help and exit',
    '',
    'exit status: 0 when every history passed, 1 when a violation was found (with --cluster also when',
    'a node process exited on its own or needed SIGKILL to stop), 2 for bad usage or',
    'when the checker ran out of budget on some history (verdict unknown), 130 or 143 after SIGINT',
    'or SIGTERM, and 141 when the reader of the output closed it before the run ended.',
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

const parseFaults = (text: string | undefined, cluster: boolean): ReadonlySet<FaultKind> => {
  const known = cluster ? CLUSTER_FAULT_KINDS : SIMULATOR_FAULT_KINDS;
  if (text === undefined || text === 'all') {
    return new Set(known);
  }
  if (text === 'none') {
    return new Set();
  }
  const kinds = text.split(',').map((kind) => kind.trim());
  const alone = kinds.find((kind) => kind === 'all' || kind === 'none');
  if (alone !== undefined) {
    throw new UsageError(`invalid --faults ${JSON.stringify(text)}: ${alone} cannot be combined with other kinds; give --faults ${alone}, or a list of kinds from ${known.join(', ')}`);
  }
  for (const kind of kinds) {
    if (!(known as ReadonlyArray<string>).includes(kind)) {
      const where = cluster ? 'a local cluster (--cluster)' : 'the simulator';
      const other = cluster ? SIMULATOR_FAULT_KINDS : CLUSTER_FAULT_KINDS;
      const hint = (other as ReadonlyArray<string>).includes(kind)
        ? ` ${kind} is a fault of ${cluster ? 'the simulator only, so run without --cluster for it' : 'a local cluster only, so add --cluster for it'};`
        : '';
      throw new UsageError(`invalid fault kind ${JSON.stringify(kind)} in --faults for ${where}:${hint} use ${known.join(', ')}, all or none`);
    }
  }
  return new Set(kinds as FaultKind[]);
};

/** Parses the campaign seed from --seed, or from the seed part of --replay, whose error then names --replay. */
const parseSeed = (text: string, replay: string | undefined): number => {
  if (replay === undefined) {
    return integerOption('seed', text, 0, -(2 ** 31), 2 ** 31 - 1);
  }
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed > 2 ** 31 - 1) {
    throw new UsageError(`invalid --replay ${JSON.stringify(replay)}: its seed ${text} is not a 32-bit integer; copy the token a failed check printed`);
  }
  return seed;
};

const parseShard = (text: string | undefined): CheckOptions['shard'] => {
  if (text === undefined) {
    return { index: 1, count: 1 };
  }
  const match = /^([0-9]{1,4})\/([0-9]{1,4})$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new UsageError(`invalid --shard ${JSON.stringify(text)}: expected K/N with 1 <= K <= N <= 9999, such as --shard 2/4`);
  }
  return { index, count };
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
        cluster: { type: 'boolean' },
        workers: { type: 'string' },
        'node-command': { type: 'string' },
        shard: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(parseArgsErrorMessage(error));
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

  const cluster = values.cluster === true;
  const impl = parseImpl(values.impl);
  if (cluster && impl === 'model') {
    throw new UsageError('--impl model has no processes to run as a cluster: use --impl reference or mutant:NAME with --cluster');
  }
  const workers = integerOption('workers', values.workers, 1, 1, 64);
  const shard = parseShard(values.shard);
  const split = workers > 1 || shard.count > 1;
  if (split && values.replay !== undefined) {
    throw new UsageError('--replay reruns one history, which needs no --workers or --shard: drop them (the replay token contains the seed of the failing part)');
  }
  if (split && cluster) {
    throw new UsageError('--cluster runs its histories one after another on one cluster: drop --workers and --shard');
  }
  const nodeCommand = values['node-command']?.split(/\s+/).filter((word) => word !== '');
  if (nodeCommand !== undefined && !cluster) {
    throw new UsageError('--node-command starts the nodes of a local cluster: add --cluster');
  }
  if (nodeCommand !== undefined && nodeCommand.length === 0) {
    throw new UsageError('invalid --node-command "": give the program that starts a node and its arguments');
  }
  if (nodeCommand !== undefined && impl !== 'reference') {
    throw new UsageError(`--impl ${impl} names a shardcap owner, which --node-command replaces: drop --impl`);
  }
  if (cluster && values.replay !== undefined) {
    throw new UsageError("--replay needs the deterministic simulator, and a --cluster run cannot be replayed: re-check its kept run with 'shardcap recheck FILE'");
  }

  return {
    impl,
    runs: integerOption('runs', values.runs, cluster ? CLUSTER_CHECK_DEFAULTS.runs : CHECK_DEFAULTS.runs, 1, 100_000_000),
    seed: seedText === undefined ? randomSeed() : parseSeed(seedText, values.replay),
    seedGiven: seedText !== undefined,
    nodes: cluster
      ? integerOption('nodes', values.nodes, CLUSTER_CHECK_DEFAULTS.nodes, 1, CLUSTER_CHECK_NODES_MAX)
      : integerOption('nodes', values.nodes, CHECK_DEFAULTS.nodes, 1, 64),
    clients: integerOption('clients', values.clients, cluster ? CLUSTER_CHECK_DEFAULTS.clients : CHECK_DEFAULTS.clients, 1, 64),
    faults: parseFaults(values.faults, cluster),
    cluster,
    nodeCommand,
    workers,
    shard,
    report: values.report,
    path,
    json: values.json === true,
    budget: integerOption('budget', values.budget, CHECK_DEFAULTS.budget, 1, 1_000_000_000),
  };
};
