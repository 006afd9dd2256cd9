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
import { runAndClose, type RecordedRun } from './run.ts';

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
  /** Called after each history of the campaign proper (not during shrinking), with the counts so far. */
  readonly onProgress?: (done: number, total: number, stats: Readonly<CampaignStats>) => void;
  /** Ends the campaign early: no further history runs, and a shrink in progress stops at the
   * smallest failing history found so far. */
  readonly signal?: AbortSignal;
}

export interface CampaignStats {
  histories: number;
  operations: number;
  /** Time the histories took on their systems' clocks, from the first operation to the last
   * final read: simulated time on the simulator, real time on a cluster. */
  historyMs: number;
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
  /** True when the campaign replayed one history from a path. */
  readonly replay: boolean;
  /** Histories whose verdict was `unknown`: the checker's budget ran out. */
  readonly unknownSeeds: ReadonlyArray<number>;
  /** True when `signal` ended the campaign before its last history. */
  readonly interrupted: boolean;
  readonly durationMs: number;
}

/** Checks run on every history: linearizability, owner locality, message bound, failure isolation, attenuation. */
const CHECKS_PER_HISTORY = 5;

/** A replay path that does not lead to a history of this generator, such as one from other options. */
export class ReplayPathError extends Error {
  override readonly name = 'ReplayPathError';
}

class ViolationFound extends Error {
  constructor(
    readonly run: RecordedRun,
    readonly verdict: RunVerdict,
  ) {
    super('violation');
  }
}

export const emptyStats = (): CampaignStats => ({
  histories: 0,
  operations: 0,
  historyMs: 0,
  faults: { crash: 0, partition: 0, drop: 0, duplicate: 0, delay: 0, disk: 0, pause: 0, disconnect: 0 },
  checks: 0,
  pass: 0,
  violation: 0,
  unknown: 0,
});

/** Adds one checked history to the campaign's counts. */
export const tally = (stats: CampaignStats, run: RecordedRun, verdict: RunVerdict): void => {
  stats.histories += 1;
  stats.operations += run.ops.length;
  stats.historyMs += run.endMs - run.startMs;
  stats.checks += CHECKS_PER_HISTORY;
  countFaults(stats, run);
  stats[verdict.verdict] += 1;
};

const countFaults = (stats: CampaignStats, run: RecordedRun): void => {
  for (const fault of run.faults) {
    if (!fault.applied) {
      continue;
    }
    const kind = fault.fault.kind;
    if (kind === 'crash') {
      stats.faults.crash += 1;
      stats.faults.disk += fault.fault.torn ? 1 : 0;
    } else if (kind === 'partition' || kind === 'pause' || kind === 'disconnect') {
      stats.faults[kind] += 1;
    }
  }
  const rates = run.history.rates;
  stats.faults.drop += rates.dropRate > 0 && run.supportedFaults.has('drop') ? 1 : 0;
  stats.faults.duplicate += rates.duplicateRate > 0 && run.supportedFaults.has('duplicate') ? 1 : 0;
  stats.faults.delay += rates.delayMsMax > 2 && run.supportedFaults.has('delay') ? 1 : 0;
};

export const runCampaign = async (options: CampaignOptions): Promise<CampaignResult> => {
  const started = Date.now();
  const stats = emptyStats();
  const unknownSeeds: number[] = [];
  let shrinking = false;
  const replay = options.path !== undefined;
  let replayed = false;

  const property = fc.asyncProperty(distributedHistoryArbitrary(options.generator), async (history) => {
    // A replay runs the one history the path leads to. When it passes, fast-check would go on
    // through the rest of the shrink tree, so every later call returns at once.
    if (replay && replayed) {
      return;
    }
    // A stop request interrupts fast-check, which then draws no further history. During a shrink,
    // the failure found so far is reported.
    if (options.signal?.aborted === true) {
      throw new fc.PreconditionFailure(true);
    }
    replayed = true;
    const system = options.system(history);
    const run = await runAndClose(system, history);
    const verdict = checkRun(run, options.budget);
    if (!shrinking) {
      tally(stats, run, verdict);
      if (verdict.verdict === 'unknown') {
        unknownSeeds.push(history.seed);
      }
      options.onProgress?.(stats.histories, replay ? 1 : options.runs, stats);
    }
    if (verdict.verdict === 'violation') {
      shrinking = true;
      throw new ViolationFound(run, verdict);
    }
  });

  let details: fc.RunDetails<[DistributedHistory]>;
  try {
    details = await fc.check(property, {
      seed: options.seed,
      numRuns: replay ? 1 : options.runs,
      ...(options.path === undefined ? {} : { path: options.path }),
    });
  } catch (error) {
    if (replay && error instanceof Error && /replay/i.test(error.message)) {
      throw new ReplayPathError(`path ${options.path} does not lead to a history of this generator (${error.message})`);
    }
    throw error;
  }

  let failure: CampaignFailure | null = null;
  if (details.failed) {
    const error = details.errorInstance;
    if (!(error instanceof ViolationFound)) {
      // The system under test threw: keep the seed and path, so the history can be replayed.
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`the system failed on a history (seed ${details.seed}, path ${details.counterexamplePath ?? ''}): ${message}`, {
        cause: error,
      });
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
  // An interrupted shrink still reports its failure, so only a campaign without one counts as interrupted.
  const interrupted = details.interrupted && failure === null;
  return { stats, failure, replay, unknownSeeds, interrupted, durationMs: Date.now() - started };
};
