/**
 * Speed of the main job: operations checked per second of real time by a `shardcap check`
 * campaign against the reference implementation, which covers generating each history, running
 * it on the simulator with faults, and checking it (linearizability and the direct checks). The
 * campaign runs on one thread, so this is the rate per core. The baseline is the model adapter
 * running the same kind of campaign, which has no network, disk or tokens to simulate.
 */
import { ModelSystem } from '../../properties/adapters/model.ts';
import { referenceSystemFor } from '../../properties/adapters/reference.ts';
import { runCampaign, type CampaignResult } from '../../properties/distributed/campaign.ts';
import type { SectionResult } from './report.ts';
import { BENCH_SEED, type BenchSettings } from './settings.ts';

interface Measured {
  readonly result: CampaignResult;
  readonly simulatedMs: number;
}

const measure = async (impl: 'reference' | 'model', runs: number): Promise<Measured> => {
  let simulatedMs = 0;
  const result = await runCampaign({
    system: (history) => {
      const system =
        impl === 'model' ? new ModelSystem({ nodes: history.nodeCount, clients: history.clientCount }) : referenceSystemFor(history);
      const close = system.close.bind(system);
      system.close = async () => {
        simulatedMs += system.now();
        await close();
      };
      return system;
    },
    runs,
    seed: BENCH_SEED,
    generator: impl === 'model' ? { faults: new Set(['crash']) } : {},
    budget: 100_000,
  });
  if (result.failure !== null) {
    throw new Error(`the ${impl} campaign found a violation with seed ${result.failure.seed} path ${result.failure.path}`);
  }
  return { result, simulatedMs };
};

export const runCampaignBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const runs = settings.campaignHistories;
  await measure('reference', Math.max(1, Math.floor(runs / 10)));
  const reference = await measure('reference', runs);
  const model = await measure('model', runs);

  const rate = (measured: Measured): number =>
    (measured.result.stats.operations / Math.max(measured.result.durationMs, 1)) * 1_000;
  const row = (name: string, measured: Measured) => ({
    system: name,
    histories: measured.result.stats.histories,
    operations: measured.result.stats.operations,
    'real ms': measured.result.durationMs,
    'simulated ms': Math.round(measured.simulatedMs),
    'checked ops per real s (one core)': rate(measured),
  });

  return {
    id: 'campaign',
    title: `main job: a campaign of ${runs} histories, generated, run and checked on one core`,
    tables: [{ title: 'campaign throughput', rows: [row('reference on the simulator', reference), row('model (baseline)', model)] }],
    ratios: [
      { name: 'reference / model checked-operation rate', value: rate(reference) / rate(model), expected: 'below 1: the simulator adds network, disk and tokens' },
      {
        name: 'simulated time / real time (reference campaign)',
        value: reference.simulatedMs / Math.max(reference.result.durationMs, 1),
        expected: 'above 1',
      },
    ],
    notes: ['faults: every kind for the reference; crashes only for the model, which has no network or disk'],
  };
};
