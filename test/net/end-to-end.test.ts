/**
 * An owner node and a client in one process, over the TCP transport on loopback, with the record
 * log in a real file, the key in a real key file, and real time and randomness.
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeId } from '../../model/index.ts';
import { Client } from '../../impl/client/client.ts';
import type { Outcome } from '../../impl/client/outcome.ts';
import { FileStorage } from '../../impl/disk/file-storage.ts';
import { loadOrCreateNodeKey } from '../../impl/disk/node-key.ts';
import { openRecordLog } from '../../impl/log/index.ts';
import { CryptoRandom } from '../../impl/net/crypto-random.ts';
import { RealClock } from '../../impl/net/real-clock.ts';
import { TcpTransport } from '../../impl/net/tcp-transport.ts';
import { OwnerNode } from '../../impl/owner/owner.ts';
import { MemoryLogger } from '../../impl/ports.ts';
import { TemporaryDirectories } from '../disk/support.ts';
import { LOOPBACK } from './support.ts';

const n0 = nodeId('n0');
const directories = new TemporaryDirectories();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
  await directories.removeAll();
});

/** Starts owner `n0` on `directory`: key file, record log, then the listener on `port`. */
const startOwner = async (directory: string, port: number) => {
  const logger = new MemoryLogger();
  const key = await loadOrCreateNodeKey(directory, logger);
  if (E.isLeft(key)) {
    throw new Error(key.left.message);
  }

  const storage = await FileStorage.open(directory);
  const transport = new TcpTransport({ id: 'n0', logger });
  const stop = async (): Promise<void> => {
    await transport.close();
    await storage.close();
  };
  cleanups.push(stop);

  // The owner sets its frame handler before the listener accepts anything.
  const owner = await OwnerNode.start({ node: n0, key: key.right.key, openLog: openRecordLog }, { transport, storage, logger });
  const address = await transport.listen(LOOPBACK, port);
  return { owner, logger, address, keyCreated: key.right.created, stop };
};

const startClient = (port: number) => {
  const transport = new TcpTransport({ id: 'c0', addresses: { n0: { host: LOOPBACK, port } }, logger: new MemoryLogger() });
  cleanups.push(() => transport.close());
  const ports = { clock: new RealClock(), random: new CryptoRandom(), transport, logger: new MemoryLogger() };
  return new Client(ports, { id: 'c0', nodes: [n0] });
};

const value = <T>(outcome: Outcome<T>): T => {
  if (outcome.kind !== 'ok') {
    throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  }
  return outcome.value;
};

const refusalTag = (outcome: Outcome<unknown>): string => {
  if (outcome.kind !== 'refused') {
    throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`);
  }
  return outcome.refusal._tag;
};

describe('owner and client over TCP', () => {
  it('operations survive an owner restart', async () => {
    const directory = await directories.create();
    const first = await startOwner(directory, 0);
    const port = first.address.port;
    const client = startClient(port);

    const created = value(await client.create(n0, 'first'));
    const reader = value(await client.derive(created.cap, ['read']));
    expect(value(await client.invoke(created.cap, { kind: 'write', value: 'second' }))).toEqual({ kind: 'write' });
    expect(value(await client.invoke(reader.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'second' });
    expect(refusalTag(await client.invoke(reader.cap, { kind: 'write', value: 'x' }))).toBe('MissingRight');
    value(await client.revoke(reader.revoker));
    expect(refusalTag(await client.invoke(reader.cap, { kind: 'read' }))).toBe('Revoked');
    expect(first.keyCreated).toBe(true);

    await first.stop();
    const second = await startOwner(directory, port);

    expect(second.keyCreated).toBe(false);
    expect(second.owner.shard.objects.size).toBe(1);
    expect(second.logger.entries.map((entry) => entry.message)).toContain('recovered from log');
    expect(value(await client.invoke(created.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'second' });
    expect(refusalTag(await client.invoke(reader.cap, { kind: 'read' }))).toBe('Revoked');

    const laterReader = value(await client.derive(created.cap, ['read']));
    expect(value(await client.invoke(laterReader.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'second' });
    const other = value(await client.create(n0, 'other'));
    expect(other.object).not.toBe(created.object);
    expect(value(await client.invoke(other.cap, { kind: 'read' }))).toEqual({ kind: 'read', value: 'other' });
    expect(second.owner.shard.objects.size).toBe(2);
    expect(client.stats.indeterminate).toBe(0);
  });

  it('a request sent while the owner is down completes after it restarts', async () => {
    const directory = await directories.create();
    const first = await startOwner(directory, 0);
    const port = first.address.port;
    const client = startClient(port);
    const created = value(await client.create(n0, 'kept'));

    await first.stop();
    const pending = client.invoke(created.cap, { kind: 'read' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await startOwner(directory, port);

    expect(value(await pending)).toEqual({ kind: 'read', value: 'kept' });
    expect(client.stats.retries).toBeGreaterThan(0);
  });
});
