/**
 * Throughput of invoke (read) against one real node process over loopback TCP with many requests
 * in flight, on one connection and on several, next to a TCP echo server in another process at
 * the same concurrency and message size.
 *
 * Method. Each connection belongs to its own client (its own RemoteCluster) and carries an equal
 * share of the requests in flight. Every request in flight is a loop that sends the next request
 * as soon as the response to the last one arrives, until the measurement window ends. Reads
 * append nothing to the record log, so no fsync is involved. Every round measures each setting
 * once for the node and once for the echo, in alternating order. The reported rates and ratios
 * are medians over rounds.
 */
import { invariant, nodeId } from '../../model/index.ts';
import type { RemoteCluster } from '../../impl/net/remote-cluster.ts';
import { encodeLengthPrefixed } from '../../impl/net/frame-reader.ts';
import { encodeFrame } from '../../impl/wire/frame.ts';
import { WIRE_VERSION } from '../../impl/wire/messages.ts';
import { BenchResources, connectClient, startBenchNode } from './bench-node.ts';
import { ownCpuMs, processCpuMs } from './cpu-time.ts';
import { EchoConnection, startEchoServer } from './echo-client.ts';
import { createDataDirectory } from './record-log-builder.ts';
import type { SectionResult } from './report.ts';
import type { BenchSettings } from './settings.ts';
import { expectOk } from './sim-support.ts';
import { median } from './timing.ts';

const NODE = nodeId('n0');

const OBJECT_VALUE = 'value of the object the TCP throughput benchmark reads';

/** Share of the measurement window that the untimed warm-up round spends on each measurement. */
const WARMUP_WINDOW_SHARE = 0.25;

interface Concurrency {
  /** Requests in flight over all connections. */
  readonly inFlight: number;
  readonly connections: number;
}

interface Measured {
  readonly concurrency: Concurrency;
  /** Requests per second of each round. */
  readonly shardcap: number[];
  readonly echo: number[];
  /** CPU time of the node process per wall-clock time while it was measured, in percent of one core. */
  readonly nodeCpuPercent: number[];
  /** The same for the benchmark process, where the clients run. */
  readonly clientCpuPercent: number[];
  /** CPU time of the node process per completed request, in microseconds. */
  readonly nodeCpuUsPerOp: number[];
  readonly clientCpuUsPerOp: number[];
}

interface Rate {
  readonly perSecond: number;
  readonly elapsedMs: number;
}

/** Settings with at least one request in flight per connection and an even split. */
const concurrencies = (settings: BenchSettings): ReadonlyArray<Concurrency> =>
  settings.tcpThroughputConnections.flatMap((connections) =>
    settings.tcpThroughputInFlight
      .filter((inFlight) => inFlight >= connections && inFlight % connections === 0)
      .map((inFlight) => ({ inFlight, connections })),
  );

/** Runs `perConnection` request loops on each of `connections` until `windowMs` has passed and
 * returns the completed requests per second. Requests sent before the end of the window are
 * awaited and counted. */
const measureRate = async <C>(
  connections: ReadonlyArray<C>,
  perConnection: number,
  request: (connection: C) => Promise<void>,
  windowMs: number,
): Promise<Rate> => {
  let completed = 0;
  const start = performance.now();
  const end = start + windowMs;
  const loop = async (connection: C): Promise<void> => {
    while (performance.now() < end) {
      await request(connection);
      completed += 1;
    }
  };

  await Promise.all(connections.flatMap((connection) => Array.from({ length: perConnection }, () => loop(connection))));
  const elapsedMs = performance.now() - start;
  return { perSecond: (completed / elapsedMs) * 1_000, elapsedMs };
};

/** Returns the CPU time used between two readings as a percentage of `elapsedMs`, or NaN when
 * a reading is missing. */
const cpuPercent = (before: number | undefined, after: number | undefined, elapsedMs: number): number =>
  before === undefined || after === undefined ? Number.NaN : ((after - before) / elapsedMs) * 100;

export const runTcpThroughputBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const resources = new BenchResources();
  try {
    const data = await createDataDirectory();
    resources.addDirectory(data);
    const server = await startEchoServer();
    resources.add(server.kill);
    const node = await startBenchNode(NODE, data);
    resources.add(node.kill);

    const connectionsMax = Math.max(...settings.tcpThroughputConnections);
    const clusters: RemoteCluster[] = [];
    const echoes: EchoConnection[] = [];
    for (let index = 0; index < connectionsMax; index += 1) {
      const cluster = connectClient(node);
      resources.add(() => cluster.close());
      clusters.push(cluster);
      const echo = await EchoConnection.connect(server.port);
      resources.add(() => echo.close());
      echoes.push(echo);
    }

    const first = clusters[0];
    invariant(first !== undefined, 'the TCP throughput benchmark needs at least one connection');
    const cap = expectOk(await first.client.create(NODE, OBJECT_VALUE), 'create').cap;
    const message = encodeLengthPrefixed(
      encodeFrame({ type: 'request', version: WIRE_VERSION, id: `${first.client.id}:1000`, body: { op: 'invoke', cap, action: { kind: 'read' } } }),
    );
    const invoke = async (cluster: RemoteCluster): Promise<void> => {
      const result = expectOk(await cluster.client.invoke(cap, { kind: 'read' }), 'invoke read');
      invariant(result.kind === 'read' && result.value === OBJECT_VALUE, `invoke read returned ${JSON.stringify(result)}`);
    };
    const echoRoundTrip = (echo: EchoConnection): Promise<void> => echo.roundTrip(message);

    const measured: Measured[] = concurrencies(settings).map((concurrency) => ({
      concurrency,
      shardcap: [],
      echo: [],
      nodeCpuPercent: [],
      clientCpuPercent: [],
      nodeCpuUsPerOp: [],
      clientCpuUsPerOp: [],
    }));
    const measureShardcap = async (connections: number, perConnection: number, windowMs: number) => {
      const nodeBefore = processCpuMs(node.ready.pid);
      const clientBefore = ownCpuMs();
      const rate = await measureRate(clusters.slice(0, connections), perConnection, invoke, windowMs);
      const nodeCpuPercent = cpuPercent(nodeBefore, processCpuMs(node.ready.pid), rate.elapsedMs);
      const clientCpuPercent = cpuPercent(clientBefore, ownCpuMs(), rate.elapsedMs);
      // A share of one core divided by requests per second gives CPU seconds per request.
      const usPerOp = (percent: number): number => (percent / 100 / rate.perSecond) * 1e6;
      return { rate, nodeCpuPercent, clientCpuPercent, nodeCpuUsPerOp: usPerOp(nodeCpuPercent), clientCpuUsPerOp: usPerOp(clientCpuPercent) };
    };
    const retriesBefore = clusters.reduce((sum, cluster) => sum + cluster.client.stats.retries, 0);

    // Round -1 warms up both processes and is not kept.
    for (let round = -1; round < settings.tcpThroughputRounds; round += 1) {
      const windowMs = round < 0 ? settings.tcpThroughputWindowMs * WARMUP_WINDOW_SHARE : settings.tcpThroughputWindowMs;
      for (const [index, entry] of measured.entries()) {
        const { inFlight, connections } = entry.concurrency;
        const perConnection = inFlight / connections;
        const runEcho = () => measureRate(echoes.slice(0, connections), perConnection, echoRoundTrip, windowMs);

        const echoFirst = (round + index) % 2 === 1;
        const echoBefore = echoFirst ? await runEcho() : undefined;
        const shardcap = await measureShardcap(connections, perConnection, windowMs);
        const echo = echoBefore ?? (await runEcho());
        if (round >= 0) {
          entry.shardcap.push(shardcap.rate.perSecond);
          entry.echo.push(echo.perSecond);
          entry.nodeCpuPercent.push(shardcap.nodeCpuPercent);
          entry.clientCpuPercent.push(shardcap.clientCpuPercent);
          entry.nodeCpuUsPerOp.push(shardcap.nodeCpuUsPerOp);
          entry.clientCpuUsPerOp.push(shardcap.clientCpuUsPerOp);
        }
      }
    }
    const retries = clusters.reduce((sum, cluster) => sum + cluster.client.stats.retries, 0) - retriesBefore;

    const ratioOf = (entry: Measured): number => median(entry.shardcap.map((rate, round) => rate / (entry.echo[round] ?? Number.NaN)));
    const label = (concurrency: Concurrency): string =>
      `${concurrency.inFlight} in flight on ${concurrency.connections} connection${concurrency.connections === 1 ? '' : 's'}`;
    const single = measured.find((entry) => entry.concurrency.inFlight === 1 && entry.concurrency.connections === 1);
    const busiest = measured.filter((entry) => entry.concurrency.connections === 1).at(-1);

    const scaling =
      single !== undefined && busiest !== undefined && busiest !== single
        ? [
            {
              name: `invoke read throughput, ${label(busiest.concurrency)} / 1 in flight`,
              value: median(busiest.shardcap) / median(single.shardcap),
              expected: 'above 1: requests in flight overlap their round trips until the node process saturates a core',
            },
          ]
        : [];

    return {
      id: 'tcp-throughput',
      title: 'TCP throughput: invoke read against one node process on 127.0.0.1 with requests in flight, next to a TCP echo',
      tables: [
        {
          title: `completed requests per second, median over ${settings.tcpThroughputRounds} rounds of ${settings.tcpThroughputWindowMs} ms`,
          rows: measured.map((entry) => ({
            'in flight': entry.concurrency.inFlight,
            connections: entry.concurrency.connections,
            'ops/s': median(entry.shardcap),
            'echo ops/s': median(entry.echo),
            'ops/s / echo': ratioOf(entry),
            'node CPU %': median(entry.nodeCpuPercent),
            'client CPU %': median(entry.clientCpuPercent),
            'node CPU µs/op': median(entry.nodeCpuUsPerOp),
            'client CPU µs/op': median(entry.clientCpuUsPerOp),
          })),
        },
      ],
      ratios: [
        ...measured.map((entry) => ({
          name: `invoke read throughput / echo, ${label(entry.concurrency)}`,
          value: ratioOf(entry),
          expected: 'below 1: the node decodes, checks a token and encodes per request',
        })),
        ...scaling,
      ],
      notes: [
        `request frame ${message.byteLength} bytes with its length prefix; the echo sends the same bytes back`,
        'each connection belongs to its own client; the clients and the echo connections run in the benchmark process',
        'node CPU % and client CPU %: CPU time of the node process and of the benchmark process while the node was measured, per wall-clock time, in percent of one core (100 means one core busy all the time); µs/op divides that CPU time by the completed requests; NaN without /proc (Linux only), which counts in clock ticks of 10 ms at 100 per second',
        `client retries during the run: ${retries}`,
      ],
    };
  } finally {
    await resources.release();
  }
};
