import { runCampaign } from './properties/distributed/campaign.ts';
import { ReferenceSystem } from './properties/adapters/reference.ts';
const [seed, path] = [Number(process.argv[2]), process.argv[3]!];
const r = await runCampaign({
  system: (h) => new ReferenceSystem({ seed: h.seed, nodes: h.nodeCount, clients: h.clientCount, disk: { tornWriteRate: 0 } }),
  runs: 1, seed, path, generator: {}, budget: 100_000,
});
const f = r.failure!;
console.log(JSON.stringify(f.history, null, 0));
console.log(JSON.stringify(f.verdict.direct), JSON.stringify(f.verdict.local));
for (const [o, v] of f.verdict.linearizability.objects) if (v.verdict !== 'linearizable') console.log(o, JSON.stringify(v));
for (const op of f.run.ops) console.log(op.id, 'c'+op.client, op.kind, op.requestId, op.startMs.toFixed(1), op.endMs?.toFixed(1), JSON.stringify(op.outcome).slice(0, 150));
for (const fl of f.run.faults) console.log('fault', fl.atMs, fl.description, fl.applied);
