/**
 * Round-trip latency of invoke (read), derive and revoke against one real node process over
 * loopback TCP, next to a TCP echo of a message of the same size in another process.
 *
 * Method. One client sends one request at a time. Each iteration times every operation once,
 * and right before or after it, alternating, an echo round trip of that operation's request
 * frame size, length prefix included. The order of the operations rotates between iterations.
 * A change of machine load thus affects both sides of a ratio alike. Derive and revoke each append a record and
 * fsync the node's record log before the response, and the log is a file on the machine's disk.
 * A read appends nothing and so does not fsync. Each revoke revokes the oldest capability derived
 * by an earlier derive, which has nothing derived below it.
 */
import { tmpdir } from 'node:os';
import { invariant, nodeId } from '../../model/index.ts';
import { RETRY_DELAY_MS_MIN } from '../../impl/limits.ts';
import type { RemoteCluster } from '../../impl/net/remote-cluster.ts';
import { encodeLengthPrefixed } from '../../impl/net/frame-reader.ts';
import { encodeFrame } from '../../impl/wire/frame.ts';
import { WIRE_VERSION, type RequestBody, type WireOutput } from '../../impl/wire/messages.ts';
import { BenchResources, connectClient, startBenchNode } from './bench-node.ts';
import { EchoConnection, startEchoServer } from './echo-client.ts';
import { percentile } from './percentile.ts';
import { createDataDirectory } from './record-log-builder.ts';
import type { SectionResult } from './report.ts';
import type { BenchSettings } from './settings.ts';
import { expectOk } from './sim-support.ts';
import { median } from './timing.ts';

const NODE = nodeId('n0');

/** Value of the benchmark object: what a read returns. */
const OBJECT_VALUE = 'value of the object the TCP latency benchmark reads';

/** Sequence number of the request id used to size the echo messages: request ids of the timed
 * requests have 2 to 5 digits here, so 4 is typical. */
const TYPICAL_SEQUENCE = 1_000;

interface TimedOperation {
  readonly name: string;
  /** The request frame as the transport writes it: length prefix and payload. */
  readonly echoMessage: Uint8Array;
  readonly responseBytes: number;
  readonly run: () => Promise<void>;
  readonly shardcapUs: number[];
  readonly echoUs: number[];
}

/** Returns a request frame as the transport writes it, length prefix and payload, with a typical request id. */
const requestMessage = (client: RemoteCluster, body: RequestBody): Uint8Array =>
  encodeLengthPrefixed(encodeFrame({ type: 'request', version: WIRE_VERSION, id: `${client.client.id}:${TYPICAL_SEQUENCE}`, body }));

const responseBytes = (client: RemoteCluster, output: WireOutput): number =>
  encodeLengthPrefixed(
    encodeFrame({ type: 'response', version: WIRE_VERSION, id: `${client.client.id}:${TYPICAL_SEQUENCE}`, result: { ok: true, output } }),
  ).byteLength;

const timeUs = async (run: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await run();
  return (performance.now() - start) * 1_000;
};

const operationsFor = async (cluster: RemoteCluster): Promise<ReadonlyArray<TimedOperation>> => {
  const client = cluster.client;
  const created = expectOk(await client.create(NODE, OBJECT_VALUE), 'create');
  const derived = expectOk(await client.derive(created.cap, ['grant', 'read', 'write']), 'derive');
  // Revokers of derived capabilities not yet revoked, oldest first. Revoke takes from the front,
  // derive adds at the back, so one is always left whatever order an iteration runs them in.
  const revokers: string[] = [derived.revoker];

  return [
    {
      name: 'invoke read',
      echoMessage: requestMessage(cluster, { op: 'invoke', cap: created.cap, action: { kind: 'read' } }),
      responseBytes: responseBytes(cluster, { op: 'invoke', result: { kind: 'read', value: OBJECT_VALUE } }),
      run: async () => {
        const result = expectOk(await client.invoke(created.cap, { kind: 'read' }), 'invoke read');
        invariant(result.kind === 'read' && result.value === OBJECT_VALUE, `invoke read returned ${JSON.stringify(result)}`);
      },
      shardcapUs: [],
      echoUs: [],
    },
    {
      name: 'derive (fsync)',
      echoMessage: requestMessage(cluster, { op: 'derive', cap: created.cap, rights: ['grant', 'read', 'write'] }),
      responseBytes: responseBytes(cluster, { op: 'derive', cap: derived.cap, revoker: derived.revoker }),
      run: async () => {
        revokers.push(expectOk(await client.derive(created.cap, ['grant', 'read', 'write']), 'derive').revoker);
      },
      shardcapUs: [],
      echoUs: [],
    },
    {
      name: 'revoke (fsync)',
      echoMessage: requestMessage(cluster, { op: 'revoke', revoker: derived.revoker }),
      responseBytes: responseBytes(cluster, { op: 'revoke' }),
      run: async () => {
        const revoker = revokers.shift();
        invariant(revoker !== undefined, 'no derived capability is left to revoke');
        expectOk(await client.revoke(revoker), 'revoke');
      },
      shardcapUs: [],
      echoUs: [],
    },
  ];
};

/** Runs `iterations` iterations and keeps the times when `keep` is set. */
const runIterations = async (
  operations: ReadonlyArray<TimedOperation>,
  echo: EchoConnection,
  iterations: number,
  keep: boolean,
): Promise<void> => {
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    for (let index = 0; index < operations.length; index += 1) {
      const operation = operations[(iteration + index) % operations.length] as TimedOperation;
      const echoFirst = (iteration + index) % 2 === 1;

      const echoBefore = echoFirst ? await timeUs(() => echo.roundTrip(operation.echoMessage)) : undefined;
      const shardcap = await timeUs(operation.run);
      const echoUs = echoBefore ?? (await timeUs(() => echo.roundTrip(operation.echoMessage)));

      if (keep) {
        operation.shardcapUs.push(shardcap);
        operation.echoUs.push(echoUs);
      }
    }
  }
};

export const runTcpLatencyBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const resources = new BenchResources();
  try {
    const data = await createDataDirectory();
    resources.addDirectory(data);
    const server = await startEchoServer();
    resources.add(server.kill);
    const node = await startBenchNode(NODE, data);
    resources.add(node.kill);
    const cluster = connectClient(node);
    resources.add(() => cluster.close());
    const echo = await EchoConnection.connect(server.port);
    resources.add(() => echo.close());

    const operations = await operationsFor(cluster);
    await runIterations(operations, echo, settings.tcpLatencyWarmups, false);
    const retriesBefore = cluster.client.stats.retries;
    await runIterations(operations, echo, settings.tcpLatencySamples, true);
    const retries = cluster.client.stats.retries - retriesBefore;

    const rows = operations.map((operation) => ({
      operation: operation.name,
      'request bytes': operation.echoMessage.byteLength,
      'response bytes': operation.responseBytes,
      'round trips': operation.shardcapUs.length,
      'median µs': median(operation.shardcapUs),
      'p99 µs': percentile(operation.shardcapUs, 0.99),
      'echo median µs': median(operation.echoUs),
      'echo p99 µs': percentile(operation.echoUs, 0.99),
    }));

    return {
      id: 'tcp-latency',
      title: 'TCP round-trip latency: one node process on 127.0.0.1, one request at a time, next to a TCP echo of the request size',
      tables: [{ title: 'latency per operation (each echo round trip sends the same bytes as the request)', rows }],
      ratios: operations.flatMap((operation) => [
        {
          name: `${operation.name} latency / echo, median`,
          value: median(operation.shardcapUs) / median(operation.echoUs),
          expected: operation.name === 'invoke read' ? 'above 1: decode, token check and encode per request' : 'above the read: a log append and an fsync',
        },
        {
          name: `${operation.name} latency / echo, p99`,
          value: percentile(operation.shardcapUs, 0.99) / percentile(operation.echoUs, 0.99),
          expected: 'above 1',
        },
      ]),
      notes: [
        `derive and revoke fsync the node's record log before they respond; the log is in a new directory under ${tmpdir()}`,
        'the echo server returns the request bytes unchanged, so it never sends the larger response a derive gets',
        `client retries during the timed round trips: ${retries} (a retry fires when no response arrived ${RETRY_DELAY_MS_MIN / 2} to ${RETRY_DELAY_MS_MIN} ms after a request)`,
      ],
    };
  } finally {
    await resources.release();
  }
};
