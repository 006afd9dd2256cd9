import { runCampaign } from './properties/distributed/campaign.ts';
import { ReferenceSystem } from './properties/adapters/reference.ts';
for (const seed of [1, 2, 3]) {
  const r = await runCampaign({
    system: (h) => new ReferenceSystem({ seed: h.seed, nodes: h.nodeCount, clients: h.clientCount, disk: { tornWriteRate: 0 } }),
    runs: 2000, seed, generator: { clientCountMax: 4, commandsPerClientMax: 40 }, budget: 200_000,
  });
  console.log('seed', seed, JSON.stringify(r.stats), 'ms', r.durationMs, r.failure ? `FAIL path ${r.failure.path}` : 'ok', 'unknown', r.unknownSeeds.length);
}
