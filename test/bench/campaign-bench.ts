/**
 * Speed of the main job: operations checked per second of real time by a `shardcap check`
 * campaign against the reference implementation, which covers generating each history, running
 * it on the simulator with faults, and checking it (linearizability and the direct checks). The
 * campaign runs on one thread, so this is the rate per core. The baseline is the model adapter
 * running the same kind of campaign, which has no network, disk or tokens to simulate.
 *
 * The campaigns run on a worker thread of their own, as `shardcap check --workers` runs them. The
 * thread's heap then contains none of the data that the benchmarks before this one leave behind,
 * which made every young-generation collection several times slower when they shared a heap.
 *
 * Each system runs WARM_UP_CAMPAIGNS campaigns of other seeds untimed, then a longer timed one.
 * The first runs in a thread are slower, because V8 is still compiling the code they use. The
 * first run is reported on its own row, and the timed rate is that of a long campaign that
 * follows, as in a CI job that runs many histories.
 */
import { Worker } from 'node:worker_threads';
import { ModelSystem } from '../../properties/adapters/model.ts';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { CAMPAIGN_YOUNG_GENERATION_MB } from '../../impl/cli/parallel-campaign.ts';
import { runCampaign } from '../../properties/distributed/campaign.ts';
import type { SectionResult } from './report.ts';
import { BENCH_SEED, type BenchSettings } from './settings.ts';

/** Untimed runs of the campaign before the timed one. On the 2-core machine of docs/benchmarks.md,
 * back-to-back reference campaigns of 1,000 histories got faster up to the third. */
const WARM_UP_CAMPAIGNS = 3;

/** One campaign's counts and times. */
export interface Measured {
  readonly histories: number;
  readonly operations: number;
  readonly durationMs: number;
  readonly simulatedMs: number;
}

/** Histories of the timed campaign and of each warm-up campaign. */
export interface CampaignSizes {
  readonly runs: number;
  readonly warmUpRuns: number;
}

/** The campaigns the worker thread runs, in the order of `measureCampaigns`. */
export interface CampaignMeasurements {
  readonly referenceFirst: Measured;
  readonly reference: Measured;
  readonly model: Measured;
}

const measure = async (impl: 'reference' | 'model', runs: number, seed: number): Promise<Measured> => {
  // Simulated time comes from the campaign's counts. Wrapping each system's `close` method to
  // read its clock would shadow a prototype method on every new system, and on Node 20 that
  // made the whole reference campaign about 17% slower than `shardcap check` runs it.
  const result = await runCampaign({
    system: (history) =>
      impl === 'model' ? new ModelSystem({ nodes: history.nodeCount, clients: history.clientCount }) : referenceSystemFor(history),
    runs,
    seed,
    generator: impl === 'model' ? { faults: new Set(['crash']) } : {},
    budget: 100_000,
  });
  if (result.failure !== null) {
    throw new Error(`the ${impl} campaign found a violation with seed ${result.failure.seed} path ${result.failure.path}`);
  }
  const { histories, operations, historyMs } = result.stats;
  return { histories, operations, durationMs: result.durationMs, simulatedMs: historyMs };
};

/** Runs every campaign of the benchmark on the calling thread. The worker thread calls this. */
export const measureCampaigns = async ({ runs, warmUpRuns }: CampaignSizes): Promise<CampaignMeasurements> => {
  // Warm-up campaigns draw other histories than the timed one, so that nothing the timed run
  // meets (such as decoded tokens in the decode memo) is left over from a warm-up.
  const referenceFirst = await measure('reference', warmUpRuns, BENCH_SEED + 1);
  for (let run = 1; run < WARM_UP_CAMPAIGNS; run++) {
    await measure('reference', warmUpRuns, BENCH_SEED + 1 + run);
  }
  const reference = await measure('reference', runs, BENCH_SEED);

  for (let run = 0; run < WARM_UP_CAMPAIGNS; run++) {
    await measure('model', warmUpRuns, BENCH_SEED + 1 + run);
  }
  const model = await measure('model', runs, BENCH_SEED);

  return { referenceFirst, reference, model };
};

/**
 * Source of the worker thread. A worker thread does not inherit the TypeScript loader of its
 * parent, so it registers tsx itself, as impl/cli/campaign-worker.mjs does, before it loads this
 * file. Both are named by absolute URL, because a `data:` module has no directory to resolve from.
 */
const workerSource = (): string =>
  [
    "import { parentPort, workerData } from 'node:worker_threads';",
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    'register();',
    `const bench = await import(${JSON.stringify(import.meta.url)});`,
    'parentPort.postMessage(await bench.measureCampaigns(workerData));',
  ].join('\n');

/** Runs `measureCampaigns` on a new worker thread and returns what it posts. */
const measureOnWorker = (sizes: CampaignSizes): Promise<CampaignMeasurements> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource())}`), { workerData: sizes, resourceLimits: { maxYoungGenerationSizeMb: CAMPAIGN_YOUNG_GENERATION_MB } });
    let measurements: CampaignMeasurements | undefined;
    worker.once('message', (message: CampaignMeasurements) => {
      measurements = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (measurements === undefined) {
        reject(new Error(`the campaign benchmark thread exited with code ${code} before it posted its results`));
      } else {
        resolve(measurements);
      }
    });
  });

export const runCampaignBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const runs = settings.campaignHistories;
  const { referenceFirst, reference, model } = await measureOnWorker({ runs, warmUpRuns: settings.campaignWarmUpHistories });

  const rate = (measured: Measured): number => (measured.operations / Math.max(measured.durationMs, 1)) * 1_000;
  const row = (name: string, measured: Measured) => ({
    system: name,
    histories: measured.histories,
    operations: measured.operations,
    'real ms': measured.durationMs,
    'simulated ms': Math.round(measured.simulatedMs),
    'checked ops per real s (one core)': rate(measured),
  });

  return {
    id: 'campaign',
    title: `main job: a campaign of ${runs} histories, generated, run and checked on one core`,
    tables: [
      {
        title: 'campaign throughput',
        rows: [
          row('reference on the simulator', reference),
          row('model (baseline)', model),
          row('reference, first run in the thread (untimed)', referenceFirst),
        ],
      },
    ],
    ratios: [
      { name: 'reference / model checked-operation rate', value: rate(reference) / rate(model), expected: 'below 1: the simulator adds network, disk and tokens' },
      {
        name: 'simulated time / real time (reference campaign)',
        value: reference.simulatedMs / Math.max(reference.durationMs, 1),
        expected: 'above 1',
      },
      {
        name: 'reference first run / timed run, checked-operation rate',
        value: rate(referenceFirst) / rate(reference),
        expected: 'below 1: the first run also waits for V8 to compile the code',
      },
    ],
    notes: [
      'faults: every kind for the reference; crashes only for the model, which has no network or disk',
      `on a worker thread, each system runs ${WARM_UP_CAMPAIGNS} untimed campaigns of ${settings.campaignWarmUpHistories} histories with other seeds, then the timed campaign of ${runs} histories`,
    ],
  };
};
