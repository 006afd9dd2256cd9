/**
 * A worker thread that runs one partition of a simulator campaign. It receives a `PartitionTask`
 * as its worker data and posts `WorkerMessage`s: progress after each history, then the result or
 * the error that ended the partition. A `stop` command ends the partition early.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CampaignResult, CampaignStats } from '../../properties/distributed/campaign.ts';
import { runPartition, type PartitionTask } from './check-systems.ts';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly stats: CampaignStats }
  | { readonly type: 'result'; readonly result: CampaignResult }
  | { readonly type: 'error'; readonly message: string; readonly replayPath: boolean };

const post = (message: WorkerMessage): void => {
  parentPort?.postMessage(message);
};

/** Message from the main thread: `stop` ends the partition early, as a stop signal does. */
export type WorkerCommand = { readonly type: 'stop' };

const task = workerData as PartitionTask;
const stop = new AbortController();
parentPort?.on('message', (command: WorkerCommand) => {
  if (command.type === 'stop') {
    stop.abort();
  }
});
// The listener must not keep the thread alive once the partition is done.
parentPort?.unref();
try {
  const result = await runPartition(task, (done, _total, stats) => post({ type: 'progress', done, stats: structuredClone(stats) }), stop.signal);
  post({ type: 'result', result });
} catch (error) {
  post({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
    replayPath: error instanceof Error && error.name === 'ReplayPathError',
  });
}
