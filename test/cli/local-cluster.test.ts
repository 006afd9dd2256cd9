/** LocalCluster against real `shardcap node` processes: kill -9 and restart, SIGSTOP and SIGCONT, and crash detection. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../impl/cli/local-cluster.ts';
import { isLiveProcess } from '../../impl/disk/data-lock.ts';
import { ClusterSystem } from '../../properties/adapters/cluster.ts';
import { runClusterCampaign } from '../../properties/distributed/cluster-campaign.ts';
import { RemoteCluster } from '../../impl/net/remote-cluster.ts';
import { nodeId, type NodeId } from '../../model/index.ts';

const started: LocalCluster[] = [];
const clients: RemoteCluster[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) {
    await client.close();
  }
  for (const cluster of started.splice(0)) {
    await cluster.stop();
  }
});

const startCluster = async (nodes: number): Promise<LocalCluster> => {
  const cluster = await LocalCluster.start({ nodes, impl: 'reference' });
  started.push(cluster);
  return cluster;
};

const clientOf = (cluster: LocalCluster, deadlineMs: number): RemoteCluster['client'] => {
  const remote = RemoteCluster.connect({ nodes: Object.fromEntries(cluster.addresses()), deadlineMs });
  clients.push(remote);
  return remote.client;
};

const n0 = nodeId('n0');

const CHILD_SCRIPT = fileURLToPath(new URL('./paused-cluster-child.ts', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));



/** Kills node `id` with SIGKILL without telling the cluster, waits up to 10 s for the cluster to
 * notice the exit, and returns the node's pid. */
const killBehindItsBack = async (cluster: LocalCluster, id: NodeId): Promise<number> => {
  const pid = cluster.pid(id);
  if (pid === undefined) {
    throw new Error(`node ${id} has no pid`);
  }
  process.kill(pid, 'SIGKILL');
  const waitedFrom = Date.now();
  while (cluster.crashes.length === 0 && Date.now() - waitedFrom < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pid;
};

/** Time for a test that starts node processes, in milliseconds. */
const PROCESS_TEST_MS = 60_000;

describe('LocalCluster', () => {
  it(
    'keeps acknowledged writes across kill -9 and restart',
    async () => {
      const cluster = await startCluster(1);
      const client = clientOf(cluster, 5_000);
      const created = await client.create(n0, 'before');
      if (created.kind !== 'ok') {
        throw new Error(`create failed: ${JSON.stringify(created)}`);
      }
      expect((await client.invoke(created.value.cap, { kind: 'write', value: 'acknowledged' })).kind).toBe('ok');
      const firstPid = cluster.pid(n0);

      cluster.kill(n0);
      expect(cluster.isUp(n0)).toBe(false);
      cluster.restart(n0);
      await cluster.whenUp();

      expect(cluster.pid(n0)).not.toBe(firstPid);
      expect(await client.invoke(created.value.cap, { kind: 'read' })).toEqual({ kind: 'ok', value: { kind: 'read', value: 'acknowledged' } });
      expect(cluster.crashes).toEqual([]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'a paused node answers only after resume',
    async () => {
      const cluster = await startCluster(1);
      const created = await clientOf(cluster, 5_000).create(n0, 'value');
      if (created.kind !== 'ok') {
        throw new Error(`create failed: ${JSON.stringify(created)}`);
      }

      expect(cluster.pause(n0)).toBe(true);
      expect(cluster.pause(n0)).toBe(false);
      const whilePaused = await clientOf(cluster, 300).invoke(created.value.cap, { kind: 'read' });
      expect(whilePaused.kind).toBe('indeterminate');

      expect(cluster.resume(n0)).toBe(true);
      expect(cluster.resume(n0)).toBe(false);
      expect((await clientOf(cluster, 5_000).invoke(created.value.cap, { kind: 'read' })).kind).toBe('ok');
    },
    PROCESS_TEST_MS,
  );

  it(
    'kills paused nodes when its process fails',
    async () => {
      const child = spawnSync(process.execPath, [TSX_CLI, CHILD_SCRIPT], { encoding: 'utf8', timeout: 30_000 });
      const printed = JSON.parse(child.stdout.trim().split('\n')[0] ?? '{}') as { pids?: number[]; root?: string };
      const pids = printed.pids ?? [];
      if (printed.root !== undefined) {
        // The failed process could not remove its data directories.
        rmSync(printed.root, { recursive: true, force: true });
      }

      expect(child.status).toBe(1);
      expect(child.stderr).toContain('deliberate failure of the process that owns the cluster');
      expect(pids).toHaveLength(2);
      // The exit hook sends SIGKILL as the process exits. On a busy machine the kernel may take a
      // moment to end the nodes, so the check waits up to a few seconds.
      for (const pid of pids) {
        const deadline = Date.now() + 5_000;
        while (isLiveProcess(pid) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(isLiveProcess(pid), `node pid ${pid} outlived the failed process`).toBe(false);
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'campaign stops without blaming a dead node',
    async () => {
      // A node that died on its own used to show up as failure-isolation violations of its operations.
      const cluster = await startCluster(2);
      await killBehindItsBack(cluster, nodeId('n1'));

      const result = await runClusterCampaign({
        cluster,
        runs: 3,
        seed: 5,
        budget: 100_000,
        generator: { nodeCount: 2, clientCountMax: 1, commandsPerClientMax: 3, faults: new Set(), episodesMax: 0, horizonMs: 0, outageMsMax: 1 },
      });

      expect(result.failure).toBeNull();
      expect(result.stats.histories).toBe(0);
      expect(result.nodeExits).toHaveLength(1);
    },
    PROCESS_TEST_MS,
  );

  it(
    'abort ends a waiting operation',
    async () => {
      const cluster = await startCluster(1);
      const system = new ClusterSystem({ cluster, clients: 1 });
      const created = await system.create(0, n0, 'value');
      if (created.kind !== 'ok') {
        throw new Error(`create failed: ${JSON.stringify(created)}`);
      }
      expect(system.pause(n0)).toBe(true);
      const pending = system.invoke(0, created.value.cap, { kind: 'read' });
      await new Promise((resolve) => setTimeout(resolve, 100));

      system.abort('the test gave up');
      const outcome = await pending;
      const later = await system.invoke(0, created.value.cap, { kind: 'read' });
      cluster.resume(n0);
      await system.close();

      expect(outcome).toEqual({ kind: 'indeterminate', reason: 'the test gave up' });
      expect(later).toEqual({ kind: 'indeterminate', reason: 'the test gave up' });
    },
    PROCESS_TEST_MS,
  );

  it(
    'campaign stops at an abort',
    async () => {
      const cluster = await startCluster(2);
      const stop = new AbortController();

      const result = await runClusterCampaign({
        cluster,
        runs: 200,
        seed: 5,
        budget: 100_000,
        generator: { nodeCount: 2, clientCountMax: 2, commandsPerClientMax: 20, faults: new Set(['crash']), episodesMax: 2, horizonMs: 50, outageMsMax: 50 },
        signal: stop.signal,
        onProgress: (done) => {
          if (done === 2) {
            stop.abort();
          }
        },
      });

      expect(result.interrupted).toBe(true);
      expect(result.stats.histories).toBe(2);
      expect(result.failure).toBeNull();
      expect(result.nodeExits).toEqual([]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'stop reports the nodes it had to kill',
    async () => {
      // The node listens, prints its ready line and ignores SIGTERM, so only SIGKILL ends it.
      const directory = mkdtempSync(join(tmpdir(), 'shardcap-stubborn-'));
      const script = join(directory, 'stubborn-node.mjs');
      writeFileSync(
        script,
        [
          "import { createServer } from 'node:net';",
          'const [id, listen, data] = process.argv.slice(2);',
          "const port = Number(listen.slice(listen.lastIndexOf(':') + 1));",
          "createServer(() => {}).listen(port, '127.0.0.1', () => console.log(`${id} listening on ${listen} pid ${process.pid} objects 0 data ${data}`));",
          "process.on('SIGTERM', () => undefined);",
        ].join('\n'),
      );
      try {
        const cluster = await LocalCluster.start({ nodes: 1, impl: 'reference', command: [process.execPath, script, '{id}', '{listen}', '{data}'], stopTimeoutMs: 300 });

        const killed = await cluster.stop();

        expect(killed).toEqual([n0]);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'reports a node that exits on its own',
    async () => {
      const cluster = await startCluster(2);
      const pid = await killBehindItsBack(cluster, nodeId('n1'));

      expect(cluster.crashes).toHaveLength(1);
      expect(cluster.crashes[0]).toContain(`node n1 (pid ${pid}) exited on its own: killed by SIGKILL`);
    },
    PROCESS_TEST_MS,
  );
});
