/** The systems `shardcap check` runs on the simulator, chosen by `--impl`, the faults each supports, and one partition of a campaign. */
import { SIMULATOR_FAULT_KINDS, type CapabilitySystem, type FaultKind } from '../../properties/adapter.ts';
import { ModelSystem } from '../../properties/adapters/model.ts';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { runCampaign, type CampaignResult, type CampaignStats } from '../../properties/distributed/campaign.ts';
import type { DistributedHistory } from '../../properties/distributed/history.ts';
import { mutantNamed } from '../../properties/mutants.ts';
import type { CheckOptions } from './check-options.ts';

/** Builds a fresh system for each history: the model, the reference or one of its mutants. */
export const systemFactory = (options: Pick<CheckOptions, 'impl'>): ((history: DistributedHistory) => CapabilitySystem) => {
  if (options.impl === 'model') {
    return (history) => new ModelSystem({ nodes: history.nodeCount, clients: history.clientCount });
  }
  const mutant = options.impl.startsWith('mutant:') ? mutantNamed(options.impl.slice('mutant:'.length)) : undefined;
  return (history) => referenceSystemFor(history, mutant);
};

/** Fault kinds the implementation supports: the model adapter has no network or disk, so only crashes. */
export const implFaults = (options: Pick<CheckOptions, 'impl'>): ReadonlySet<FaultKind> =>
  options.impl === 'model' ? new Set<FaultKind>(['crash']) : new Set(SIMULATOR_FAULT_KINDS);

/** The requested fault kinds that the implementation supports. */
export const supportedFaults = (options: Pick<CheckOptions, 'impl' | 'faults'>): ReadonlySet<FaultKind> =>
  new Set([...options.faults].filter((kind) => implFaults(options).has(kind)));

/** One partition of a simulator campaign, as plain data that a worker thread can receive. */
export interface PartitionTask {
  readonly impl: string;
  /** Fault kinds to inject, all of them supported by `impl` (see `supportedFaults`). */
  readonly faults: ReadonlyArray<FaultKind>;
  readonly nodes: number;
  readonly clients: number;
  readonly budget: number;
  readonly seed: number;
  readonly runs: number;
  /** fast-check path of a failure to replay. */
  readonly path?: string;
}

/** Runs one partition of a campaign in this thread. */
export const runPartition = (
  task: PartitionTask,
  onProgress?: (done: number, total: number, stats: Readonly<CampaignStats>) => void,
  signal?: AbortSignal,
): Promise<CampaignResult> =>
  runCampaign({
    ...(signal === undefined ? {} : { signal }),
    system: systemFactory(task),
    runs: task.runs,
    seed: task.seed,
    ...(task.path === undefined ? {} : { path: task.path }),
    generator: { nodeCountMax: task.nodes, clientCountMax: task.clients, faults: new Set(task.faults) },
    budget: task.budget,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
