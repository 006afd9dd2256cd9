/**
 * A campaign against a real local cluster: histories generated from a seed, run one after
 * another on the same node processes with real faults, each checked against the model. The
 * histories are reproducible from the seed; their timing is not, so nothing is shrunk or
 * replayed. A failing run is returned whole, for the caller to keep and re-check.
 */
import fc from 'fast-check';
import type { LocalCluster } from '../../impl/cli/local-cluster.ts';
import type { Logger } from '../../impl/ports.ts';
import { ClusterSystem } from '../adapters/cluster.ts';
import type { Mutant } from '../mutants.ts';
import { emptyStats, tally, type CampaignStats } from './campaign.ts';
import { checkRun, type RunVerdict } from './check.ts';
import { clusterHistoryArbitrary, type ClusterHistoryOptions } from './cluster-arbitrary.ts';
import { runAndClose, type RecordedRun } from './run.ts';

export interface ClusterCampaignOptions {
  /** A started cluster; the campaign leaves it running. */
  readonly cluster: LocalCluster;
  readonly runs: number;
  /** Seed of the history generator. */
  readonly seed: number;
  readonly generator: ClusterHistoryOptions;
  /** Search nodes per object for the linearizability checker. */
  readonly budget: number;
  readonly mutant?: Mutant;
  /** Name of the system for reports; see `ClusterSystemOptions.name`. */
  readonly name?: string;
  readonly logger?: Logger;
  /** Called after each history. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Ends the campaign early: the history in progress ends at once and is neither checked nor counted. */
  readonly signal?: AbortSignal;
}

/** One checked history that did not pass, with its position in the campaign. */
export interface ClusterRunResult {
  readonly index: number;
  readonly run: RecordedRun;
  readonly verdict: RunVerdict;
}

export interface ClusterCampaignResult {
  readonly stats: CampaignStats;
  /** The first history with a violation; the campaign stops there. */
  readonly failure: ClusterRunResult | null;
  /** Histories whose verdict was `unknown`. */
  readonly unknown: ReadonlyArray<ClusterRunResult>;
  /** Node processes that exited although the campaign neither killed nor stopped them. The history
   * in progress when the first one exited is neither checked nor counted. */
  readonly nodeExits: ReadonlyArray<string>;
  /** True when `signal` ended the campaign before its last history. */
  readonly interrupted: boolean;
  readonly durationMs: number;
}

export const runClusterCampaign = async (options: ClusterCampaignOptions): Promise<ClusterCampaignResult> => {
  const started = performance.now();
  const stats = emptyStats();
  const unknown: ClusterRunResult[] = [];
  const histories = fc.sample(clusterHistoryArbitrary(options.generator), { seed: options.seed, numRuns: options.runs });
  let failure: ClusterRunResult | null = null;
  // A function, because the signal changes between reads.
  const interrupted = (): boolean => options.signal?.aborted === true;

  for (const [index, history] of histories.entries()) {
    if (interrupted() || options.cluster.crashes.length > 0) {
      break;
    }
    const system = new ClusterSystem({
      cluster: options.cluster,
      clients: history.clientCount,
      ...(options.mutant === undefined ? {} : { mutant: options.mutant }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.name === undefined ? {} : { name: options.name }),
    });
    // A stop request or a node that dies on its own ends the history at once, rather than after
    // the clients' deadlines.
    const abort = (): void => system.abort('the history was given up before its end');
    options.signal?.addEventListener('abort', abort);
    const stopListening = options.cluster.onCrash(abort);
    let run: RecordedRun;
    try {
      run = await runAndClose(system, history);
    } finally {
      options.signal?.removeEventListener('abort', abort);
      stopListening();
    }
    if (options.cluster.crashes.length > 0 || interrupted()) {
      // A node that died on its own makes every operation on it look unanswered, so the checks of
      // this history would blame the wrong thing. The exit itself is the failure to report.
      break;
    }
    const verdict = checkRun(run, options.budget);

    tally(stats, run, verdict);
    options.onProgress?.(index + 1, histories.length);

    if (verdict.verdict === 'unknown') {
      unknown.push({ index, run, verdict });
    }
    if (verdict.verdict === 'violation') {
      failure = { index, run, verdict };
      break;
    }
  }

  return {
    stats,
    failure,
    unknown,
    nodeExits: [...options.cluster.crashes],
    interrupted: interrupted(),
    durationMs: performance.now() - started,
  };
};
