/**
 * A fuzzing campaign: many random distributed histories against one system, each checked
 * against the model. On the first violation fast-check shrinks the history to a minimal one
 * that still fails; the seed and path of that run replay it exactly.
 */
import fc from 'fast-check';
import type { CapabilitySystem, FaultKind } from '../adapter.ts';
import { distributedHistoryArbitrary, type DistributedOptions } from './arbitrary.ts';
import { checkRun, type RunVerdict } from './check.ts';
import type { DistributedHistory } from './history.ts';
import { runDistributed, type RecordedRun } from './run.ts';

export interface CampaignOptions {
  /** Builds a fresh system for one history. */
  readonly system: (history: DistributedHistory) => CapabilitySystem;
  readonly runs: number;
  readonly seed: number;
  /** fast-check path of a failure to replay; with it, the campaign runs that one history. */
  readonly path?: string;
  readonly generator: DistributedOptions;
  /** Search nodes per object for the linearizability checker. */
  readonly budget: number;
  /** Called after each history of the campaign proper (not during shrinking). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CampaignStats {
  histories: number;
  operations: number;
  /** Per fault kind: crashes and partitions applied, torn writes (`disk`), and histories run with
   * message drops, duplicates or long delays switched on. */
  faults: Record<FaultKind, number>;
  checks: number;
  pass: number;
  violation: number;
  unknown: number;
}

export interface CampaignFailure {
  readonly seed: number;
  readonly path: string;
  readonly history: DistributedHistory;
  readonly run: RecordedRun;
  readonly verdict: RunVerdict;
  readonly shrinks: number;
}

export interface CampaignResult {
  readonly stats: CampaignStats;
  readonly failure: CampaignFailure | null;
  /** Histories whose verdict was `unknown`: the checker's budget ran out. */
  readonly unknownSeeds: ReadonlyArray<number>;
  readonly durationMs: number;
}

/** Checks run on every history: linearizability, owner locality, message bound, failure isolation, attenuation. */
const CHECKS_PER_HISTORY = 5;

class ViolationFound extends Error {
  constructor(
    readonly run: RecordedRun,
    readonly verdict: RunVerdict,
  ) {
    super('violation');
  }
}

const emptyStats = (): CampaignStats => ({
  histories: 0,
  operations: 0,
  faults: { crash: 0, partition: 0, drop: 0, duplicate: 0, delay: 0, disk: 0 },
  checks: 0,
  pass: 0,
  violation: 0,
  unknown: 0,
});

const countFaults = (stats: CampaignStats, run: RecordedRun): void => {
  for (const fault of run.faults) {
    if (!fault.applied) {
      continue;
    }
    const kind = fault.fault.kind;
    if (kind === 'crash') {
      stats.faults.crash += 1;
      stats.faults.disk += fault.fault.torn ? 1 : 0;
    } else if (kind === 'partition') {
      stats.faults.partition += 1;
    }
  }
  const rates = run.history.rates;
  stats.faults.drop += rates.dropRate > 0 ? 1 : 0;
  stats.faults.duplicate += rates.duplicateRate > 0 ? 1 : 0;
  stats.faults.delay += rates.delayMsMax > 2 ? 1 : 0;
};

export const runCampaign = async (options: CampaignOptions): Promise<CampaignResult> => {
  const started = Date.now();
  const stats = emptyStats();
  const unknownSeeds: number[] = [];
  let shrinking = false;

  const property = fc.asyncProperty(distributedHistoryArbitrary(options.generator), async (history) => {
    const system = options.system(history);
    let run: RecordedRun;
    try {
      run = await runDistributed(system, history);
    } finally {
      await system.close();
    }
    const verdict = checkRun(run, options.budget);
    if (!shrinking) {
      stats.histories += 1;
      stats.operations += run.ops.length;
      stats.checks += CHECKS_PER_HISTORY;
      countFaults(stats, run);
      stats[verdict.verdict] += 1;
      if (verdict.verdict === 'unknown') {
        unknownSeeds.push(history.seed);
      }
      options.onProgress?.(stats.histories, options.runs);
    }
    if (verdict.verdict === 'violation') {
      shrinking = true;
      throw new ViolationFound(run, verdict);
    }
  });

  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.path === undefined ? options.runs : 1,
    ...(options.path === undefined ? {} : { path: options.path }),
  });

  let failure: CampaignFailure | null = null;
  if (details.failed) {
    const error = details.errorInstance;
    if (!(error instanceof ViolationFound)) {
      throw error instanceof Error ? error : new Error(String(error));
    }
    const [history] = details.counterexample ?? [];
    if (history === undefined) {
      throw new Error('fast-check reported a failure without a counterexample');
    }
    failure = {
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      history,
      run: error.run,
      verdict: error.verdict,
      shrinks: details.numShrinks,
    };
  }
  return { stats, failure, unknownSeeds, durationMs: Date.now() - started };
};
