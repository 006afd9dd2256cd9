import { runCampaign } from './properties/distributed/campaign.ts';
import { ReferenceSystem } from './properties/adapters/reference.ts';
import { MUTANTS } from './properties/mutants.ts';
const only = process.argv[2];
for (const mutant of [undefined, ...MUTANTS]) {
  if (only && mutant?.name !== only) continue;
  const t0 = performance.now();
  let found = 0;
  const r = await runCampaign({
    system: (h) => new ReferenceSystem({ seed: h.seed, nodes: h.nodeCount, clients: h.clientCount, disk: { tornWriteRate: 0 }, ...(mutant ? { mutant } : {}) }),
    runs: 300, seed: 42, generator: {}, budget: 100_000,
    onProgress: (d) => { found = d; },
  });
  console.log(mutant?.name ?? 'reference', 'histories', r.stats.histories, 'violation', r.failure !== null, 'shrinks', r.failure?.shrinks, 'unknown', r.stats.unknown, (performance.now() - t0).toFixed(0), 'ms',
    r.failure ? JSON.stringify([...r.failure.verdict.direct.slice(0,1), ...r.failure.verdict.local.slice(0,1)]).slice(0, 200) : '',
    r.failure ? [...r.failure.verdict.linearizability.objects.values()].filter(v => v.verdict === 'violation').map(v => (v as any).reason).join(' | ').slice(0, 300) : '');
}
