/** `shardcap check`: a fuzzing campaign against one implementation, with a summary and exit status. */
import { SIMULATOR_FAULT_KINDS, type CapabilitySystem, type FaultKind } from '../../properties/adapter.ts';
import { ModelSystem } from '../../properties/adapters/model.ts';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { existsSync, constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ReplayPathError, runCampaign, type CampaignResult, type CampaignStats } from '../../properties/distributed/campaign.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import { mutantNamed } from '../../properties/mutants.ts';
import { checkHelp, parseCheckOptions, UsageError, type CheckOptions } from './check-options.ts';
import { formatFailureTrace } from './failure-trace.ts';
import { createProgress } from './progress.ts';

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal, so a progress bar can redraw in place. */
  readonly stderrIsTty: boolean;
  readonly randomSeed: () => number;
}

const systemFactory = (options: CheckOptions): ((history: DistributedHistory) => CapabilitySystem) => {
  if (options.impl === 'model') {
    return (history) => new ModelSystem({ nodes: history.nodeCount, clients: history.clientCount });
  }
  const mutant = options.impl.startsWith('mutant:') ? mutantNamed(options.impl.slice('mutant:'.length)) : undefined;
  return (history) => referenceSystemFor(history, mutant);
};

/** Fault kinds the implementation supports: the model adapter has no network or disk, so only crashes. */
const implFaults = (options: CheckOptions): ReadonlySet<FaultKind> =>
  options.impl === 'model' ? new Set<FaultKind>(['crash']) : new Set(SIMULATOR_FAULT_KINDS);

/** The requested fault kinds that the implementation supports. */
const supportedFaults = (options: CheckOptions): ReadonlySet<FaultKind> =>
  new Set([...options.faults].filter((kind) => implFaults(options).has(kind)));

export const replayCommandFor = (options: CheckOptions, seed: number, path: string): string =>
  [
    'npx shardcap check',
    `--impl ${options.impl}`,
    `--nodes ${options.nodes}`,
    `--clients ${options.clients}`,
    `--faults ${[...options.faults].join(',') || 'none'}`,
    `--budget ${options.budget}`,
    // With "=", a negative seed is not mistaken for an option.
    `--replay=${seed}:${path}`,
  ].join(' ');

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** Creates the report directory if needed and checks it is writable; returns the problem, if any. */
const prepareReportDirectory = async (dir: string): Promise<string | null> => {
  const target = resolve(dir);
  try {
    // Created one level at a time: a recursive mkdir below /proc never returns on Linux.
    const missing: string[] = [];
    let current = target;
    while (!existsSync(current)) {
      missing.unshift(current);
      current = dirname(current);
    }
    if (!(await stat(current)).isDirectory()) {
      return `invalid --report ${JSON.stringify(dir)}: ${current} is not a directory; give a directory path`;
    }
    for (const path of missing) {
      await mkdir(path);
    }
    await access(target, constants.W_OK);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `cannot use --report ${JSON.stringify(dir)}: ${reason}; give a writable directory`;
  }
};

/** Formats name-value rows as an aligned two-column table. */
export const table = (rows: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n');
};

const summaryRows = (options: CheckOptions, result: CampaignResult): Array<readonly [string, string]> => {
  const stats: CampaignStats = result.stats;
  const seconds = result.durationMs / 1000;
  const applied = `crashes ${stats.faults.crash}, partitions ${stats.faults.partition}, torn writes ${stats.faults.disk}`;
  const switchedOn = `drops ${stats.faults.drop}, duplicates ${stats.faults.duplicate}, long delays ${stats.faults.delay}`;
  const faults = `${applied}; histories with ${switchedOn}`;
  return [
    ['implementation', options.impl],
    ['seed', String(options.seed)],
    ['histories', String(stats.histories)],
    ['operations', String(stats.operations)],
    ['faults injected', faults],
    ['checks run', String(stats.checks)],
    ['verdicts', `pass ${stats.pass}, violation ${stats.violation}, unknown ${stats.unknown}`],
    ['duration', `${seconds.toFixed(1)} s (${(stats.operations / Math.max(seconds, 0.001)).toFixed(0)} operations/s)`],
  ];
};

/** Runs `shardcap check` and returns the exit status. */
export const runCheckCommand = async (argv: ReadonlyArray<string>, io: CommandIo): Promise<number> => {
  let options: CheckOptions;
  try {
    const parsed = parseCheckOptions(argv, io.randomSeed);
    if (parsed === 'help') {
      io.stdout(`${checkHelp()}\n`);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`shardcap check: ${error.message}\nrun 'shardcap check --help' for the options\n`);
      return 2;
    }
    throw error;
  }

  if (options.report !== undefined) {
    // Checked before the campaign, so a bad directory does not cost a whole run.
    const problem = await prepareReportDirectory(options.report);
    if (problem !== null) {
      io.stderr(`shardcap check: ${problem}\n`);
      return 2;
    }
  }
  if (options.cluster) {
    const { runClusterCheck } = await import('./check-cluster.ts');
    return runClusterCheck(options, io);
  }
  const faults = supportedFaults(options);
  const ignored = [...options.faults].filter((kind) => !faults.has(kind));
  if (ignored.length > 0) {
    io.stderr(`shardcap check: ${options.impl} supports only ${[...implFaults(options)].join(', ')} faults; ignoring ${ignored.join(', ')}\n`);
  }

  const progress = options.json ? undefined : createProgress(io.stderr, io.stderrIsTty);
  if (!options.json) {
    const what = options.path === undefined ? plural(options.runs, 'history', 'histories') : 'one history (replay)';
    io.stderr(`shardcap check: ${what} against ${options.impl}, seed ${options.seed}\n`);
  }
  let result: CampaignResult;
  try {
    result = await runCampaign({
    system: systemFactory(options),
    runs: options.runs,
    seed: options.seed,
    ...(options.path === undefined ? {} : { path: options.path }),
      generator: { nodeCountMax: options.nodes, clientCountMax: options.clients, faults },
      budget: options.budget,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    });
  } catch (error) {
    if (error instanceof ReplayPathError) {
      progress?.done();
      io.stderr(
        `shardcap check: invalid --replay: ${error.message}; give the same --impl, --nodes, --clients and --faults as the failing run\n`,
      );
      return 2;
    }
    throw error;
  }
  progress?.done();

  if (result.replay && result.failure === null) {
    io.stderr(
      'shardcap check: the replayed history passed, so it does not reproduce a violation; give the same --impl, --nodes, --clients and --faults as the failing run\n',
    );
    return 2;
  }

  const failure = result.failure;
  let reportPath: string | undefined;
  if (failure !== null) {
    const replay = replayCommandFor(options, failure.seed, failure.path);
    if (!options.json) {
      io.stdout(`\nviolation found; shrunk history (${failure.shrinks} shrinks):\n${formatFailureTrace(failure.run, failure.verdict)}\n`);
      io.stdout(`\nreplay: ${replay}\n`);
    }
    if (options.report !== undefined) {
      const { writeReport } = await import('./report/index.ts');
      reportPath = await writeReport(options.report, { failure, system: options.impl, replayCommand: replay });
      if (!options.json) {
        io.stdout(`report: ${reportPath}\n`);
      }
    }
  }

  let exitCode = 0;
  if (failure !== null) {
    exitCode = 1;
  } else if (result.stats.unknown > 0) {
    exitCode = 2;
  }
  if (options.json) {
    const summary = {
      impl: options.impl,
      runs: result.stats.histories,
      ops: result.stats.operations,
      // The simulator's fault kinds only: the cluster's pauses and dropped connections are always 0 here.
      faults: Object.fromEntries(SIMULATOR_FAULT_KINDS.map((kind) => [kind, result.stats.faults[kind]])),
      checks: result.stats.checks,
      violations: result.stats.violation,
      unknown: result.stats.unknown,
      seed: options.seed,
      durationMs: result.durationMs,
      ...(failure === null
        ? {}
        : { replay: replayCommandFor(options, failure.seed, failure.path), replayToken: `${failure.seed}:${failure.path}` }),
      ...(reportPath === undefined ? {} : { report: reportPath }),
    };
    io.stdout(`${JSON.stringify(summary)}\n`);
  } else {
    io.stdout(`\n${table(summaryRows(options, result))}\n`);
    if (result.stats.unknown > 0) {
      io.stdout(`\nthe checker ran out of budget on ${result.stats.unknown} histories (verdict unknown); raise --budget to decide them\n`);
    }
    if (exitCode === 0) {
      io.stdout(result.replay ? '\nthe replayed history passed\n' : '\nall histories passed\n');
    }
  }
  return exitCode;
};
