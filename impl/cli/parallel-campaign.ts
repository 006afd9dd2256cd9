/**
 * Runs the partitions of a simulator campaign on worker threads, one thread per partition, and
 * merges their counts. The first partition to find a violation ends the campaign: the others are
 * stopped, and their counts up to their last finished history are kept.
 */
import { Worker } from 'node:worker_threads';
import { emptyStats, type CampaignFailure, type CampaignResult, type CampaignStats } from '../../properties/distributed/campaign.ts';
import type { WorkerCommand, WorkerMessage } from './campaign-worker.ts';
import type { PartitionTask } from './check-systems.ts';

const WORKER_ENTRY = new URL('./campaign-worker.mjs', import.meta.url);

/**
 * Young-generation size of a campaign's worker thread, in MiB. A worker gets a smaller one than
 * the main thread by default, and a campaign allocates many short-lived objects. In one trial of
 * the campaign benchmark on the machine of docs/benchmarks.md, a worker checked 16,200 to 16,900
 * operations per second with the default and 17,850 with 48 MiB.
 */
export const CAMPAIGN_YOUNG_GENERATION_MB = 48;

/** Adds the counts of `part` to `total`. */
const addStats = (total: CampaignStats, part: Readonly<CampaignStats>): void => {
  total.histories += part.histories;
  total.operations += part.operations;
  total.historyMs += part.historyMs;
  total.checks += part.checks;
  total.pass += part.pass;
  total.violation += part.violation;
  total.unknown += part.unknown;
  for (const kind of Object.keys(total.faults) as Array<keyof CampaignStats['faults']>) {
    total.faults[kind] += part.faults[kind];
  }
};

interface PartitionState {
  stats: Readonly<CampaignStats>;
  done: number;
  result: CampaignResult | undefined;
}

/**
 * Runs every task on its own worker thread. `onProgress` gets the histories finished over all
 * partitions. Rejects when a partition fails with an error, after stopping the other threads.
 */
export const runOnWorkers = (
  tasks: ReadonlyArray<PartitionTask>,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<CampaignResult> => {
  const started = Date.now();
  const total = tasks.reduce((sum, task) => sum + task.runs, 0);
  const states: PartitionState[] = tasks.map(() => ({ stats: emptyStats(), done: 0, result: undefined }));
  const workers: Worker[] = [];

  if (tasks.length === 0) {
    return Promise.resolve({ stats: emptyStats(), failure: null, replay: false, unknownSeeds: [], interrupted: false, durationMs: 0 });
  }
  return new Promise<CampaignResult>((resolve, reject) => {
    let settled = false;
    const stopAll = (): Promise<unknown> => Promise.all(workers.map((worker) => worker.terminate()));

    const finish = (failure: CampaignFailure | null): void => {
      if (settled) {
        return;
      }
      settled = true;
      const stats = emptyStats();
      for (const state of states) {
        addStats(stats, state.result?.stats ?? state.stats);
      }
      const unknownSeeds = states.flatMap((state) => state.result?.unknownSeeds ?? []);
      const interrupted = signal?.aborted === true;
      void stopAll().then(() => resolve({ stats, failure, replay: false, unknownSeeds, interrupted, durationMs: Date.now() - started }));
    };

    const fail = (error: Error): void => {
      if (settled) {
        return;
      }
      settled = true;
      void stopAll().then(() => reject(error));
    };

    signal?.addEventListener('abort', () => {
      const command: WorkerCommand = { type: 'stop' };
      for (const worker of workers) {
        worker.postMessage(command);
      }
    });

    tasks.forEach((task, index) => {
      const state = states[index] as PartitionState;
      const worker = new Worker(WORKER_ENTRY, { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: CAMPAIGN_YOUNG_GENERATION_MB } });
      workers.push(worker);
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'progress':
            state.stats = message.stats;
            state.done = message.done;
            onProgress?.(
              states.reduce((sum, each) => sum + each.done, 0),
              total,
            );
            return;
          case 'result':
            state.result = message.result;
            if (message.result.failure !== null) {
              finish(message.result.failure);
            } else if (states.every((each) => each.result !== undefined)) {
              finish(null);
            }
            return;
          case 'error':
            fail(new Error(`partition ${index} (seed ${task.seed}) failed: ${message.message}`));
            return;
        }
      });
      worker.on('error', (error) => fail(new Error(`worker thread of partition ${index} (seed ${task.seed}) failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (state.result === undefined) {
          fail(new Error(`worker thread of partition ${index} (seed ${task.seed}) exited with code ${code} before it finished`));
        }
      });
    });
  });
};
