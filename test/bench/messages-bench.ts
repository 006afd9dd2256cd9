/**
 * Frames sent per client operation on the simulated cluster. Every operation but attenuate is
 * one request to the object's owner and one response, and attenuate sends nothing. Neither count
 * may depend on how many capabilities sit below a revoked slot or on how many nodes the cluster
 * has, because the owner alone stores the object's metadata and a revoke bumps one version.
 */
import { invariant, type NodeId } from '../../model/index.ts';
import type { Client } from '../../impl/client/client.ts';
import { SimCluster } from '../../impl/sim/cluster.ts';
import { formatNumber, type SectionResult } from './report.ts';
import { BENCH_SEED, type BenchSettings } from './settings.ts';
import { clusterOptions, expectOk } from './sim-support.ts';

interface FrameCount {
  readonly frames: number;
  readonly retries: number;
  /** Endpoints that sent or received any of the frames. */
  readonly endpoints: ReadonlySet<string>;
}

const SEND_PATTERN = / net-send #\d+ (\S+)->(\S+) /;

/** Runs `operation` to completion on the cluster and counts the frames sent meanwhile. */
const countFrames = async <T>(
  cluster: SimCluster,
  client: Client,
  operation: () => T | Promise<T>,
): Promise<{ readonly count: FrameCount; readonly value: T }> => {
  const firstLine = cluster.world.trace.length;
  const retriesBefore = client.stats.retries;

  const value = await cluster.run(Promise.resolve().then(operation));

  const endpoints = new Set<string>();
  let frames = 0;
  for (const line of cluster.world.trace.lines().slice(firstLine)) {
    const match = SEND_PATTERN.exec(line);
    if (match !== null) {
      frames += 1;
      endpoints.add(match[1] as string).add(match[2] as string);
    }
  }
  // A frame still in flight would be counted against the next operation.
  invariant(cluster.world.network.inFlightCount() === 0, 'a frame was still in flight after the operation finished');
  return { count: { frames, retries: client.stats.retries - retriesBefore, endpoints }, value };
};

/** Derives `count` capabilities below `cap`, one request each, in one simulation run. */
const deriveBelow = async (cluster: SimCluster, client: Client, cap: string, count: number): Promise<ReadonlyArray<string>> =>
  cluster.run(
    (async () => {
      const caps: string[] = [];
      for (let index = 0; index < count; index += 1) {
        caps.push(expectOk(await client.derive(cap, ['read']), 'derive below the revoked slot').cap);
      }
      return caps;
    })(),
  );

/** Counts the frames of every operation on a fresh cluster of `nodes` nodes. */
const countOperations = async (nodes: number, descendants: number): Promise<ReadonlyMap<string, FrameCount>> => {
  const cluster = new SimCluster(clusterOptions(BENCH_SEED, nodes, 1));
  const client = cluster.clients[0] as Client;
  // The last node owns the object, so the counts cannot come from node n0 being special.
  const owner = cluster.nodeIds[cluster.nodeIds.length - 1] as NodeId;
  const counts = new Map<string, FrameCount>();

  // The owner process opens its log when the cluster starts, and a request that arrived before
  // that would be dropped and retried. This uncounted create returns once the owner is serving.
  expectOk(await cluster.run(client.create(owner, 'warm-up')), 'warm-up create');

  const created = await countFrames(cluster, client, () => client.create(owner, 'value'));
  counts.set('create', created.count);
  const root = expectOk(created.value, 'create');

  const read = await countFrames(cluster, client, () => client.invoke(root.cap, { kind: 'read' }));
  expectOk(read.value, 'invoke read');
  counts.set('invoke read', read.count);

  const write = await countFrames(cluster, client, () => client.invoke(root.cap, { kind: 'write', value: 'next' }));
  expectOk(write.value, 'invoke write');
  counts.set('invoke write', write.count);

  const derived = await countFrames(cluster, client, () => client.derive(root.cap, ['grant', 'read']));
  const small = expectOk(derived.value, 'derive');
  counts.set('derive', derived.count);

  const attenuated = await countFrames(cluster, client, () => client.attenuate(root.cap, ['read']));
  expectOk(attenuated.value, 'attenuate');
  counts.set('attenuate (offline)', attenuated.count);

  // `small` gets 1 capability below it and `large` gets `descendants`. Neither setup is counted.
  const smallBelow = await deriveBelow(cluster, client, small.cap, 1);
  const large = expectOk(await cluster.run(client.derive(root.cap, ['grant', 'read'])), 'derive');
  const largeBelow = await deriveBelow(cluster, client, large.cap, descendants);

  for (const [label, slot, below] of [
    ['revoke, 1 derived below', small, smallBelow],
    [`revoke, ${formatNumber(descendants)} derived below`, large, largeBelow],
  ] as const) {
    const revoked = await countFrames(cluster, client, () => client.revoke(slot.revoker));
    expectOk(revoked.value, label);
    counts.set(label, revoked.count);

    const stale = await cluster.run(client.invoke(below[below.length - 1] as string, { kind: 'read' }));
    invariant(stale.kind === 'refused' && stale.refusal._tag === 'Revoked', `a capability derived below survived "${label}"`);
  }

  return counts;
};

export const runMessagesBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const perCluster = new Map<number, ReadonlyMap<string, FrameCount>>();
  for (const nodes of settings.messageNodeCounts) {
    perCluster.set(nodes, await countOperations(nodes, settings.messageDescendants));
  }

  const first = perCluster.get(settings.messageNodeCounts[0] as number) as ReadonlyMap<string, FrameCount>;
  const operations = [...first.keys()];
  const framesOf = (nodes: number, operation: string): number => perCluster.get(nodes)?.get(operation)?.frames ?? Number.NaN;

  const rows = operations.map((operation) => {
    const row: Record<string, string | number> = { operation };
    for (const nodes of settings.messageNodeCounts) {
      row[`frames, ${nodes} nodes`] = framesOf(nodes, operation);
    }
    const all = [...perCluster.values()].map((counts) => counts.get(operation));
    row['retries'] = all.reduce((sum, count) => sum + (count?.retries ?? 0), 0);
    row['endpoints involved'] = Math.max(...all.map((count) => count?.endpoints.size ?? 0));
    return row;
  });

  const smallest = settings.messageNodeCounts[0] as number;
  const largest = settings.messageNodeCounts[settings.messageNodeCounts.length - 1] as number;
  const revokeSmall = 'revoke, 1 derived below';
  const revokeLarge = `revoke, ${formatNumber(settings.messageDescendants)} derived below`;

  return {
    id: 'messages',
    title: 'messages per operation on the simulated cluster (frames sent, requests and responses)',
    tables: [{ title: 'frames sent per operation', rows }],
    ratios: [
      {
        name: `revoke frames, ${formatNumber(settings.messageDescendants)} below / 1 below (${smallest} nodes)`,
        value: framesOf(smallest, revokeLarge) / framesOf(smallest, revokeSmall),
        expected: '1',
      },
      {
        name: `revoke frames, ${largest} nodes / ${smallest} nodes`,
        value: framesOf(largest, revokeLarge) / framesOf(smallest, revokeLarge),
        expected: '1',
      },
    ],
    notes: [
      'expected: 2 frames (request and response) between the client and the owner for every remote operation, 0 for attenuate',
      'network: no loss, no duplicates, one-way delay 1-2 ms, so no request is retried',
    ],
  };
};
