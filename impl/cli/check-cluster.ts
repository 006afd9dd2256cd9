/**
 * `shardcap check --cluster`: the campaign against a local cluster of real `shardcap node`
 * processes with real faults. Its histories come from the seed, its timing does not, so a failing
 * run is kept whole in a file for `shardcap recheck` instead of being shrunk and replayed.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CampaignStats } from '../../properties/distributed/campaign.ts';
import { runClusterCampaign, type ClusterCampaignResult, type ClusterRunResult } from '../../properties/distributed/cluster-campaign.ts';
import { listViolations } from '../../properties/distributed/check.ts';
import { encodeRunFile } from '../../properties/distributed/run-file.ts';
import { mutantNamed } from '../../properties/mutants.ts';
import type { NodeId } from '../../model/index.ts';
import { LocalCluster } from './local-cluster.ts';
import type { CheckOptions } from './check-options.ts';
import { plural, table, writeFailureReport, type CommandIo } from './check-command.ts';
import { formatFailureTrace } from './failure-trace.ts';
import { createProgress } from './progress.ts';
import { createReportDirectory } from './report-directory.ts';
import { INTERRUPTED_EXIT, listenForStopSignals, stopRequestFrom, type StopSignals } from './stop-signals.ts';
import { formatWireProblems, WireProblemLog } from './wire-problems.ts';
import { formatAddress } from '../net/address-book.ts';
import { NODE_STOP_TIMEOUT_MS } from '../limits.ts';

/** Generator settings of the cluster histories, chosen so that faults land while the clients run.
 * Without faults, a history's streams take some tens of milliseconds on loopback. Each kill adds
 * the half second or more that a node process takes to start. */
const CLUSTER_HISTORY = {
  commandsPerClientMax: 80,
  episodesMax: 8,
  horizonMs: 100,
  outageMsMax: 200,
} as const;

const summaryRows = (options: CheckOptions, result: ClusterCampaignResult): Array<readonly [string, string]> => {
  const stats: CampaignStats = result.stats;
  const seconds = result.durationMs / 1000;
  return [
    ['implementation', `${systemName(options)} on ${plural(options.nodes, 'node process', 'node processes')}`],
    ['seed', `${options.seed} (generates the histories; their timing is real and differs between runs)`],
    ['histories', String(stats.histories)],
    ['operations', String(stats.operations)],
    ['faults injected', `kill -9 ${stats.faults.crash}, SIGSTOP ${stats.faults.pause}, dropped connections ${stats.faults.disconnect}`],
    ['checks run', String(stats.checks)],
    ['verdicts', `pass ${stats.pass}, violation ${stats.violation}, unknown ${stats.unknown}`],
    ['duration', `${seconds.toFixed(1)} s (${(stats.operations / Math.max(seconds, 0.001)).toFixed(0)} operations/s)`],
  ];
};

/** The name of the system under test: the --impl, or `command:PROGRAM` for nodes that --node-command starts. */
const systemName = (options: CheckOptions): string =>
  options.nodeCommand === undefined ? options.impl : `command:${basename(options.nodeCommand[0] ?? '')}`;

/** The command line that produced a run, for the kept file. */
const commandLine = (options: CheckOptions): string =>
  [
    'npx shardcap check --cluster',
    options.nodeCommand === undefined ? `--impl ${options.impl}` : `--node-command '${options.nodeCommand.join(' ')}'`,
    `--nodes ${options.nodes}`,
    `--clients ${options.clients}`,
    `--faults ${[...options.faults].join(',') || 'none'}`,
    `--runs ${options.runs}`,
    `--budget ${options.budget}`,
    `--seed=${options.seed}`,
  ].join(' ');

/**
 * Writes a run that did not pass to `dir/run.json` (with --report) or a new file in the temporary
 * directory, and returns its path. When the report directory cannot take it, the run goes to the
 * temporary directory, with a message, because the recorded run is the only copy of the failure.
 */
const keepRun = async (options: CheckOptions, kept: ClusterRunResult, label: string, io: CommandIo): Promise<string> => {
  const temporary = join(tmpdir(), `shardcap-cluster-${options.seed}-${kept.index}-${label}.json`);
  const meta = { command: commandLine(options), seed: options.seed, index: kept.index, deterministic: false, recordedAt: new Date().toISOString() };
  const text = encodeRunFile(kept.run, meta);
  if (options.report !== undefined) {
    const path = resolve(options.report, label === 'violation' ? 'run.json' : `run-${kept.index}-${label}.json`);
    try {
      await createReportDirectory(options.report);
      await writeFile(path, text, 'utf8');
      return path;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr(`shardcap check: cannot write the recorded run to ${path}: ${reason}; it goes to ${temporary} instead\n`);
    }
  }
  await writeFile(temporary, text, 'utf8');
  return temporary;
};

export const runClusterCheck = async (options: CheckOptions, io: CommandIo): Promise<number> => {
  // The handlers stay until the command returns, because a signal that comes while the summary
  // is printed must not end the process halfway through it.
  const signals = listenForStopSignals();
  try {
    return await runWithSignals(options, io, signals);
  } finally {
    signals.dispose();
  }
};

const runWithSignals = async (options: CheckOptions, io: CommandIo, signals: StopSignals): Promise<number> => {
  const mutant = options.impl.startsWith('mutant:') ? mutantNamed(options.impl.slice('mutant:'.length)) : undefined;
  const say = (text: string): void => {
    if (!options.json) {
      io.stderr(text);
    }
  };
  say(
    `shardcap check: ${plural(options.runs, 'history', 'histories')} against ${systemName(options)} on a local cluster of ${plural(options.nodes, 'node process', 'node processes')}, ` +
      `seed ${options.seed}; timing is real, so a run is not reproducible and a failing history is kept in a file\n`,
  );

  let cluster: LocalCluster;
  try {
    cluster = await LocalCluster.start({
      nodes: options.nodes,
      impl: options.impl,
      ...(options.nodeCommand === undefined ? {} : { command: options.nodeCommand }),
    });
  } catch (error) {
    io.stderr(`shardcap check: cannot start the cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const progress = options.json ? undefined : createProgress(io.stderr, io.stderrIsTty);
  // A stop signal ends the history in progress at once, because its clients stop waiting for
  // responses, and the campaign returns without checking it. A second signal ends the process.
  const stop = stopRequestFrom(signals, (signal) => {
    // The cluster's exit hook kills the node processes.
    io.stderr(`shardcap check: received ${signal} again, so exiting now; the nodes' data stays in ${cluster.root}, delete it when done\n`);
    io.exit?.(INTERRUPTED_EXIT[signal]);
  });
  // Ctrl-C in a terminal reaches the nodes too, and they exit on it. Only the exits seen before
  // the signal are node failures.
  let crashesBeforeStop = Number.POSITIVE_INFINITY;
  stop.signal.addEventListener('abort', () => {
    crashesBeforeStop = cluster.crashes.length;
  });
  const wire = new WireProblemLog(new Map([...cluster.addresses()].map(([id, address]) => [formatAddress(address), id])));
  let result: ClusterCampaignResult | { readonly error: unknown };
  let killedAtStop: NodeId[] = [];
  try {
    result = await runClusterCampaign({
      cluster,
      logger: wire,
      runs: options.runs,
      seed: options.seed,
      generator: { nodeCount: options.nodes, clientCountMax: options.clients, faults: options.faults, ...CLUSTER_HISTORY },
      budget: options.budget,
      signal: stop.signal,
      ...(mutant === undefined ? {} : { mutant }),
      ...(options.nodeCommand === undefined ? {} : { name: systemName(options) }),
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    }).then(
      (value) => value,
      (error: unknown) => ({ error }),
    );
  } finally {
    progress?.done();
    killedAtStop = await cluster.stop();
    stop.settle();
    for (const id of killedAtStop) {
      io.stderr(
        `shardcap check: node ${id} did not exit within ${NODE_STOP_TIMEOUT_MS / 1000} s of SIGTERM, so it was killed with SIGKILL; a node must stop within that time\n`,
      );
    }
  }
  const interruptedBy = stop.stoppedBy();
  if (interruptedBy !== undefined) {
    io.stderr(`shardcap check: interrupted by ${interruptedBy}; the history in progress was not checked and the cluster is stopped\n`);
  }

  if ('error' in result) {
    // A node that does not come back after a restart, for instance because its recovery fails,
    // ends the run before its checks.
    const message = result.error instanceof Error ? result.error.message : String(result.error);
    io.stderr(`shardcap check: the run against the cluster failed: ${message}\n`);
    return interruptedBy === undefined ? 1 : INTERRUPTED_EXIT[interruptedBy];
  }
  const nodeExits = result.nodeExits.slice(0, crashesBeforeStop);
  const problems = wire.problems();
  const protocolProblems = problems.filter((problem) => problem.protocol);
  if (protocolProblems.length > 0) {
    io.stderr(`shardcap check: the checking clients saw protocol errors (count, node, event):\n${formatWireProblems(protocolProblems)}\n`);
  }

  const failure = result.failure;
  let keptPath: string | undefined;
  let reportPath: string | undefined;
  if (failure !== null) {
    keptPath = await keepRun(options, failure, 'violation', io);
    if (!options.json) {
      io.stdout(`\nviolation found in history ${failure.index + 1} of ${options.runs}:\n${formatFailureTrace(failure.run, failure.verdict)}\n`);
      io.stdout(`\nthe run is not reproducible; the whole recorded run is kept in ${keptPath}\nre-check it with: npx shardcap recheck ${keptPath}\n`);
    }
    if (options.report !== undefined) {
      reportPath = await writeFailureReport(
        {
          dir: options.report,
          input: {
            failure: { seed: options.seed, path: String(failure.index + 1), history: failure.run.history, run: failure.run, verdict: failure.verdict, shrinks: 0 },
            system: `${systemName(options)} (local cluster)`,
            replayCommand: `npx shardcap recheck ${keptPath}`,
            kept: keptPath,
          },
        },
        `the violation stands, and the recorded run is kept in ${keptPath}`,
        io,
        options.json,
      );
    }
  }
  const unknownPaths: string[] = [];
  for (const kept of result.unknown) {
    unknownPaths.push(await keepRun(options, kept, 'unknown', io));
  }
  const connectionProblems = problems.filter((problem) => !problem.protocol);
  if ((failure !== null || nodeExits.length > 0) && connectionProblems.length > 0) {
    io.stderr(
      `shardcap check: connections of the checking clients that failed (count, node, error; kill -9 faults cause some):\n${formatWireProblems(connectionProblems)}\n`,
    );
  }
  for (const exit of nodeExits) {
    io.stderr(`shardcap check: ${exit}\n`);
  }
  if (nodeExits.length > 0) {
    io.stderr('shardcap check: a node process failed as shown above, so the history in progress was not checked\n');
  }

  let exitCode = 0;
  if (interruptedBy !== undefined) {
    exitCode = INTERRUPTED_EXIT[interruptedBy];
  } else if (failure !== null || nodeExits.length > 0 || killedAtStop.length > 0) {
    exitCode = 1;
  } else if (result.stats.unknown > 0) {
    exitCode = 2;
  }
  if (options.json) {
    const summary = {
      impl: systemName(options),
      cluster: { nodes: options.nodes, deterministic: false },
      runs: result.stats.histories,
      ops: result.stats.operations,
      faults: { crash: result.stats.faults.crash, pause: result.stats.faults.pause, disconnect: result.stats.faults.disconnect },
      checks: result.stats.checks,
      violations: result.stats.violation,
      unknown: result.stats.unknown,
      nodeExits,
      ...(killedAtStop.length === 0 ? {} : { killedAtStop }),
      ...(protocolProblems.length === 0 ? {} : { protocolErrors: protocolProblems.map(({ node, event, reason, count }) => ({ node, event, reason, count })) }),
      ...(interruptedBy === undefined ? {} : { interrupted: interruptedBy, runsRequested: options.runs }),
      seed: options.seed,
      durationMs: Math.round(result.durationMs),
      ...(keptPath === undefined ? {} : { kept: keptPath }),
      ...(failure === null ? {} : { violated: listViolations(failure.verdict) }),
      ...(unknownPaths.length === 0 ? {} : { keptUnknown: unknownPaths }),
      ...(reportPath === undefined ? {} : { report: reportPath }),
    };
    io.stdout(`${JSON.stringify(summary)}\n`);
    return exitCode;
  }
  io.stdout(`\n${table(summaryRows(options, result))}\n`);
  if (unknownPaths.length > 0) {
    io.stdout(`\nthe checker ran out of budget on ${unknownPaths.length} histories (verdict unknown); they are kept in:\n${unknownPaths.join('\n')}\n`);
    io.stdout('re-check each with a larger budget: npx shardcap recheck FILE --budget N\n');
  }
  if (interruptedBy !== undefined) {
    io.stdout(`\ninterrupted by ${interruptedBy} after ${plural(result.stats.histories, 'checked history', 'checked histories')} of ${options.runs}\n`);
  } else if (exitCode === 0) {
    io.stdout('\nall histories passed\n');
  }
  return exitCode;
};
