/**
 * Child process of a LocalCluster test: starts a cluster of 2 nodes and pauses both with SIGSTOP.
 * It prints the node pids and the cluster's data root as one JSON line, then fails with an
 * uncaught error. The cluster's exit hook must leave no node process behind.
 */
import { LocalCluster } from '../../impl/cli/local-cluster.ts';
import { nodeId } from '../../model/index.ts';

const cluster = await LocalCluster.start({ nodes: 2, impl: 'reference' });
const ids = [nodeId('n0'), nodeId('n1')];
for (const id of ids) {
  cluster.pause(id);
}
process.stdout.write(`${JSON.stringify({ pids: ids.map((id) => cluster.pid(id)), root: cluster.root })}\n`);
throw new Error('deliberate failure of the process that owns the cluster');
