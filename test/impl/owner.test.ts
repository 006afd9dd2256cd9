import { describe, expect, it } from 'vitest';
import { nodeId } from '../../model/index.ts';
import type { Outcome } from '../../impl/client/outcome.ts';
import { MemoryLogger } from '../../impl/ports.ts';
import { SimCluster } from '../../impl/sim/cluster.ts';

const n0 = nodeId('n0');

const value = <T>(outcome: Outcome<T>): T => {
  if (outcome.kind !== 'ok') {
    throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  }
  return outcome.value;
};

const quietCluster = (logs?: MemoryLogger) =>
  new SimCluster({
    seed: 11,
    nodes: 2,
    clients: 2,
    network: { dropRate: 0, duplicateRate: 0 },
    disk: { tornWriteRate: 0 },
    ...(logs === undefined ? {} : { logs }),
  });

/** Fires simulated events until `predicate` holds, so a test can act at an exact point of a request. */
const runUntil = async (cluster: SimCluster, predicate: () => boolean): Promise<void> => {
  for (let events = 0; events < 10_000 && !predicate(); events += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!cluster.world.clock.step()) {
      break;
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
};

const traceHas = (cluster: SimCluster, fragment: string): boolean =>
  cluster.world.trace.lines().some((line) => line.includes(fragment));

describe('owner node', () => {
  it('duplicated derive allocates one slot', async () => {
    const cluster = quietCluster();
    const client = cluster.clients[0];
    expect(client).toBeDefined();
    if (client === undefined) {
      return;
    }
    const created = value(await cluster.run(client.create(n0, 'v')));
    cluster.world.network.duplicateNext({ from: 'c0', to: 'n0' }, 1);
    const derived = value(await cluster.run(client.derive(created.cap, ['read'])));
    await cluster.world.clock.runFor(1_000);

    const owner = cluster.owner(n0);
    expect(owner?.stats.duplicates).toBe(1);
    expect(owner?.shard.objects.get(created.object)?.slots).toHaveLength(2);
    const second = value(await cluster.run(client.derive(created.cap, ['read'])));
    expect(second.cap).not.toBe(derived.cap);
    expect(owner?.shard.objects.get(created.object)?.slots).toHaveLength(3);
  });

  it('lost answer is retried and applied once', async () => {
    const cluster = quietCluster();
    const [writer, reader] = cluster.clients;
    if (writer === undefined || reader === undefined) {
      throw new Error('cluster has two clients');
    }
    const created = value(await cluster.run(writer.create(n0, 'v0')));
    cluster.world.network.dropNext({ from: 'n0', to: 'c0' }, 1);
    const written = await cluster.run(writer.invoke(created.cap, { kind: 'write', value: 'v1' }));

    expect(written.kind).toBe('ok');
    expect(writer.stats.retries).toBeGreaterThan(0);
    expect(cluster.owner(n0)?.stats.duplicates).toBe(1);
    const read = value(await cluster.run(reader.invoke(created.cap, { kind: 'read' })));
    expect(read).toEqual({ kind: 'read', value: 'v1' });
  });

  it('crash before sync loses unacknowledged write', async () => {
    const cluster = quietCluster();
    const client = cluster.clients[0];
    if (client === undefined) {
      throw new Error('cluster has a client');
    }
    const created = value(await cluster.run(client.create(n0, 'before')));
    const syncsBefore = cluster.world.trace.lines().filter((line) => line.includes('disk-sync-start n0')).length;

    const pending = client.invoke(created.cap, { kind: 'write', value: 'lost' });
    await runUntil(
      cluster,
      () => cluster.world.trace.lines().filter((line) => line.includes('disk-sync-start n0')).length > syncsBefore,
    );
    cluster.crash(n0);
    const outcome = await cluster.run(pending);

    expect(outcome.kind).toBe('indeterminate');
    cluster.restart(n0);
    const read = value(await cluster.run(client.invoke(created.cap, { kind: 'read' })));
    expect(read).toEqual({ kind: 'read', value: 'before' });
  });

  it('acknowledged effects survive crash and restart', async () => {
    const cluster = quietCluster();
    const client = cluster.clients[0];
    if (client === undefined) {
      throw new Error('cluster has a client');
    }
    const created = value(await cluster.run(client.create(n0, 'v0')));
    const child = value(await cluster.run(client.derive(created.cap, ['read', 'write'])));
    value(await cluster.run(client.invoke(child.cap, { kind: 'write', value: 'v1' })));
    value(await cluster.run(client.revoke(child.revoker)));

    cluster.crash(n0);
    cluster.restart(n0);

    const read = value(await cluster.run(client.invoke(created.cap, { kind: 'read' })));
    expect(read).toEqual({ kind: 'read', value: 'v1' });
    const revoked = await cluster.run(client.invoke(child.cap, { kind: 'read' }));
    expect(revoked).toEqual({ kind: 'refused', refusal: { _tag: 'Revoked', object: created.object, slot: 1 } });
  });

  it('torn tail is cut off on recovery', async () => {
    const logs = new MemoryLogger();
    const cluster = quietCluster(logs);
    const client = cluster.clients[0];
    if (client === undefined) {
      throw new Error('cluster has a client');
    }
    const created = value(await cluster.run(client.create(n0, 'kept')));
    cluster.world.disk('n0').setFaults({ tornWriteRate: 1 });

    const pending = client.invoke(created.cap, { kind: 'write', value: 'torn' });
    await runUntil(cluster, () => cluster.world.disk('n0').unsyncedByteCount() > 0);
    cluster.crash(n0);
    expect(traceHas(cluster, 'disk-torn n0')).toBe(true);
    expect((await cluster.run(pending)).kind).toBe('indeterminate');

    cluster.world.disk('n0').setFaults({ tornWriteRate: 0 });
    cluster.restart(n0);
    const read = value(await cluster.run(client.invoke(created.cap, { kind: 'read' })));
    expect(read).toEqual({ kind: 'read', value: 'kept' });
    const warnings = logs.atLevel('warn').map((entry) => entry.message);
    expect(warnings.some((message) => message.includes('discard') || message.includes('torn') || message.includes('cut'))).toBe(true);
  });

  it('malformed frame is logged and dropped', async () => {
    const logs = new MemoryLogger();
    const cluster = quietCluster(logs);
    const client = cluster.clients[0];
    if (client === undefined) {
      throw new Error('cluster has a client');
    }
    await cluster.world.clock.runFor(10);
    cluster.world.ports('c1').transport.send('n0', new TextEncoder().encode('{"type":"request","version":1}'));
    cluster.world.ports('c1').transport.send('n0', Uint8Array.of(0xff, 0xfe));
    await cluster.world.clock.runFor(100);

    expect(cluster.owner(n0)?.stats.malformedFrames).toBe(2);
    const warning = logs.atLevel('warn').find((entry) => entry.message === 'dropped a malformed frame');
    expect(warning?.fields['peer']).toBe('c1');
    const created = await cluster.run(client.create(n0, 'still serving'));
    expect(created.kind).toBe('ok');
  });

  it('messages go only between client and owner', async () => {
    const cluster = new SimCluster({ seed: 5, nodes: 4, clients: 2 });
    const client = cluster.clients[0];
    if (client === undefined) {
      throw new Error('cluster has a client');
    }
    for (const node of cluster.nodeIds) {
      const created = value(await cluster.run(client.create(node, 'v')));
      const child = value(await cluster.run(client.derive(created.cap, ['read'])));
      await cluster.run(client.invoke(child.cap, { kind: 'read' }));
      await cluster.run(client.revoke(child.revoker));
    }
    const sends = cluster.world.trace.lines().filter((line) => line.includes('net-send'));
    expect(sends.length).toBeGreaterThan(0);
    for (const line of sends) {
      expect(line).toMatch(/ (c\d+->n\d+|n\d+->c\d+) /);
    }
  });
});
