import { runCampaign } from './properties/distributed/campaign.ts';
import { ReferenceSystem } from './properties/adapters/reference.ts';
const r = await runCampaign({
  system: (h) => new ReferenceSystem({ seed: h.seed, nodes: h.nodeCount, clients: h.clientCount, disk: { tornWriteRate: 0 } }),
  runs: 300, seed: 5, generator: {}, budget: 100_000,
});
console.log(r.stats.operations, r.durationMs, (r.stats.operations / r.durationMs * 1000).toFixed(0), 'ops/s');
