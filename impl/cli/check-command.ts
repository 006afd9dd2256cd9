/** `shardcap check`: a fuzzing campaign against one implementation, with a summary and exit status. */
import { SIMULATOR_FAULT_KINDS } from '../../properties/adapter.ts';
import { ReplayPathError, type CampaignResult, type CampaignStats } from '../../properties/distributed/campaign.ts';
import { listViolations } from '../../properties/distributed/check.ts';
import { partitionsOf } from '../../properties/distributed/partition.ts';
import { checkHelp, parseCheckOptions, UsageError, type CheckOptions } from './check-options.ts';
import { implFaults, runPartition, supportedFaults, type PartitionTask } from './check-systems.ts';
import { formatFailureTrace } from './failure-trace.ts';
import { createProgress } from './progress.ts';
import type { ReportInput } from './report/index.ts';
import { checkReportDirectory } from './report-directory.ts';
import { INTERRUPTED_EXIT, listenForStopSignals, stopRequestFrom } from './stop-signals.ts';

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal, so a progress bar can redraw in place. */
  readonly stderrIsTty: boolean;
  readonly randomSeed: () => number;
  /** Ends the process at once with `code`, for a command interrupted while work it cannot cancel
   * is still pending. Absent when the command runs inside another program, such as a test. */
  readonly exit?: (code: number) => void;
}

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

/** Formats a count with the singular or plural noun, as in `1 history` or `2 histories`. */
export const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
 * Writes the HTML report of a failure and prints its path, unless the output is JSON, then
 * returns the path. When the report cannot be written, prints why and `fix`, and returns
 * undefined: the failure itself is already printed, and a failed write must not hide it.
 */
export const writeFailureReport = async (
  report: { readonly dir: string; readonly input: ReportInput },
  fix: string,
  io: CommandIo,
  json: boolean,
): Promise<string | undefined> => {
  const { writeReport } = await import('./report/index.ts');
  let path: string;
  try {
    path = await writeReport(report.dir, report.input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`shardcap check: cannot write the report to ${report.dir}: ${reason}; ${fix}\n`);
    return undefined;
  }
  if (!json) {
    io.stdout(`report: ${path}\n`);
  }
  return path;
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
    ['seed', options.shard.count * options.workers > 1 ? `${options.seed} (each part draws from a seed derived from it)` : String(options.seed)],
    ...(options.shard.count > 1 ? [['part', `${options.shard.index} of ${options.shard.count}`] as const] : []),
    ...(options.workers > 1 ? [['worker threads', String(options.workers)] as const] : []),
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
    const problem = await checkReportDirectory(options.report);
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
  const partitions = partitionsOf(options.seed, options.runs, options.shard.index, options.shard.count, options.workers);
  const runs = partitions.reduce((sum, partition) => sum + partition.runs, 0);
  if (runs === 0) {
    io.stderr(
      `shardcap check: part ${options.shard.index} of ${options.shard.count} has no histories, because --runs ${options.runs} is less than the ${options.shard.count * options.workers} partitions (${plural(options.shard.count, 'part', 'parts')} × ${plural(options.workers, 'worker', 'workers')}); raise --runs or use fewer parts or workers\n`,
    );
    return 2;
  }
  if (!options.json) {
    const what = options.path === undefined ? plural(runs, 'history', 'histories') : 'one history (replay)';
    const split = options.shard.count > 1 ? `, part ${options.shard.index} of ${options.shard.count}` : '';
    const threads = options.workers > 1 ? ` on ${options.workers} worker threads` : '';
    io.stderr(`shardcap check: ${what} against ${options.impl}, seed ${options.seed}${split}${threads}\n`);
  }
  const tasks = partitions.map(
    (partition): PartitionTask => ({
      impl: options.impl,
      faults: [...faults],
      nodes: options.nodes,
      clients: options.clients,
      budget: options.budget,
      seed: partition.seed,
      runs: partition.runs,
      ...(options.path === undefined ? {} : { path: options.path }),
    }),
  );
  // A stop signal ends the campaign after the history in progress, which is still checked, and
  // the summary covers the histories checked so far. A second signal ends the process at once.
  const signals = listenForStopSignals();
  const stop = stopRequestFrom(signals, (signal) => {
    io.stderr(`shardcap check: received ${signal} again, so exiting now\n`);
    io.exit?.(INTERRUPTED_EXIT[signal]);
  });
  let result: CampaignResult;
  try {
    const [only] = tasks;
    if (options.workers === 1 && tasks.length === 1 && only !== undefined) {
      result = await runPartition(only, progress?.update, stop.signal);
    } else {
      const { runOnWorkers } = await import('./parallel-campaign.ts');
      result = await runOnWorkers(tasks, progress?.update, stop.signal);
    }
  } catch (error) {
    signals.dispose();
    if (error instanceof ReplayPathError) {
      progress?.done();
      io.stderr(
        `shardcap check: invalid --replay: ${error.message}; give the same --impl, --nodes, --clients and --faults as the failing run\n`,
      );
      return 2;
    }
    throw error;
  }
  // The handlers stay until the command returns, so that a repeat cannot cut the summary.
  stop.settle();
  try {
    progress?.done();
    const interruptedBy = result.interrupted ? stop.stoppedBy() : undefined;
    if (interruptedBy !== undefined) {
      io.stderr(`shardcap check: interrupted by ${interruptedBy}; no further history was run\n`);
    }

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
        reportPath = await writeFailureReport(
          { dir: options.report, input: { failure, system: options.impl, replayCommand: replay } },
          'the violation stands, so fix the directory and run the replay command with --report',
          io,
          options.json,
        );
      }
    }

    let exitCode = 0;
    if (interruptedBy !== undefined) {
      exitCode = INTERRUPTED_EXIT[interruptedBy];
    } else if (failure !== null) {
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
        workers: options.workers,
        shard: `${options.shard.index}/${options.shard.count}`,
        durationMs: result.durationMs,
        ...(failure === null
          ? {}
          : {
              replay: replayCommandFor(options, failure.seed, failure.path),
              replayToken: `${failure.seed}:${failure.path}`,
              violated: listViolations(failure.verdict),
            }),
        ...(reportPath === undefined ? {} : { report: reportPath }),
        ...(interruptedBy === undefined ? {} : { interrupted: interruptedBy, runsRequested: runs }),
      };
      io.stdout(`${JSON.stringify(summary)}\n`);
    } else {
      io.stdout(`\n${table(summaryRows(options, result))}\n`);
      if (result.stats.unknown > 0) {
        io.stdout(`\nthe checker ran out of budget on ${result.stats.unknown} histories (verdict unknown); raise --budget to decide them\n`);
      }
      if (interruptedBy !== undefined) {
        io.stdout(`\ninterrupted by ${interruptedBy} after ${plural(result.stats.histories, 'checked history', 'checked histories')} of ${runs}\n`);
      } else if (exitCode === 0) {
        io.stdout(result.replay ? '\nthe replayed history passed\n' : '\nall histories passed\n');
      }
    }
    return exitCode;
  } finally {
    signals.dispose();
  }
};
