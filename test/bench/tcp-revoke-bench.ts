/**
 * Revoke latency over loopback TCP against one real node process, for a slot with 1 capability
 * derived below it and for a slot with 100,000 below it. A revoke bumps one slot version and
 * fsyncs one record, whatever lies below, so both should take the same time.
 *
 * Method. Each timed revoke needs a fresh slot with its whole subtree valid, and each large one a
 * subtree of its own. Deriving them over TCP would take minutes (the section measures the rate a
 * client gets, and extrapolates), so the log is built offline in the node's own format by
 * record-log-builder.ts, and the node recovers it at start. One object holds, for each sample, a
 * slot with `tcpRevokeDescendants` capabilities below it in a tree of fan-out SUBTREE_FANOUT and
 * SMALL_REVOKES_PER_SAMPLE slots with 1 below each, so both shapes live in an object of the same
 * size. Small slots cost 2 records each, so the small shape gets more samples, which makes its
 * median robust to the odd slow fsync. Each sample revokes half of its small slots, then the
 * large one, then the other half. Before the revokes, the deepest capability below each revoked
 * slot must work over TCP, and after them it must be refused as Revoked.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invariant, nodeId, type ObjectId } from '../../model/index.ts';
import type { Client } from '../../impl/client/client.ts';
import { RECORD_LOG_FILE_NAME } from '../../impl/disk/file-storage.ts';
import { BenchResources, connectClient, startBenchNode } from './bench-node.ts';
import { createDataDirectory, RecordLogBuilder } from './record-log-builder.ts';
import { formatNumber, type SectionResult } from './report.ts';
import { SUBTREE_FANOUT, type BenchSettings } from './settings.ts';
import { expectOk } from './sim-support.ts';
import { median } from './timing.ts';

const NODE = nodeId('n0');

/** Revokes of slots with 1 below, run before the timed ones so both processes run optimized code. */
const WARMUP_REVOKES = 50;

/** Revokes of slots with 1 below per revoke of a slot with many below. An even count, so that as
 * many run before the large revoke as after it. */
const SMALL_REVOKES_PER_SAMPLE = 4;

interface RevokeTarget {
  readonly revoker: string;
  /** A capability below the revoked slot, the deepest when there are several. */
  readonly below: string;
}

interface Shape {
  readonly label: string;
  readonly descendants: number;
  readonly targets: RevokeTarget[];
  readonly timesUs: number[];
}

interface BuiltLog {
  readonly small: Shape;
  readonly large: Shape;
  readonly warmups: ReadonlyArray<RevokeTarget>;
  readonly records: number;
  readonly buildMs: number;
}

const target = (builder: RecordLogBuilder, object: ObjectId, slot: number, below: number): RevokeTarget => ({
  revoker: builder.revoker(object, slot),
  below: builder.capability(object, below),
});

const buildLog = async (data: string, settings: BenchSettings): Promise<BuiltLog> => {
  const started = performance.now();
  const builder = await RecordLogBuilder.open(data, NODE);
  const object = builder.create('value of the object the TCP revoke benchmark revokes in');

  const warmups: RevokeTarget[] = [];
  for (let index = 0; index < WARMUP_REVOKES; index += 1) {
    const slot = builder.derive(object, 0);
    warmups.push(target(builder, object, slot, builder.derive(object, slot)));
  }

  const many = settings.tcpRevokeDescendants;
  const small: Shape = { label: '1 below', descendants: 1, targets: [], timesUs: [] };
  const large: Shape = { label: `${formatNumber(many)} below`, descendants: many, targets: [], timesUs: [] };
  for (let sample = 0; sample < settings.tcpRevokeSamples; sample += 1) {
    const largeSlot = builder.derive(object, 0);
    large.targets.push(target(builder, object, largeSlot, builder.deriveSubtree(object, largeSlot, many, SUBTREE_FANOUT)));
    for (let index = 0; index < SMALL_REVOKES_PER_SAMPLE; index += 1) {
      const smallSlot = builder.derive(object, 0);
      small.targets.push(target(builder, object, smallSlot, builder.derive(object, smallSlot)));
    }
  }

  await builder.close();
  return { small, large, warmups, records: builder.appended, buildMs: performance.now() - started };
};

/** Checks that every capability below the targets gets the expected outcome of a read. */
const checkBelow = async (client: Client, targets: ReadonlyArray<RevokeTarget>, expected: 'ok' | 'Revoked'): Promise<void> => {
  for (const { below } of targets) {
    const outcome = await client.invoke(below, { kind: 'read' });
    const got = outcome.kind === 'refused' ? outcome.refusal._tag : outcome.kind;
    invariant(got === expected, `a read of a capability below a revoke target returned ${got}, expected ${expected}`);
  }
};

const revoke = async (client: Client, revoker: string): Promise<number> => {
  const start = performance.now();
  expectOk(await client.revoke(revoker), 'revoke');
  return (performance.now() - start) * 1_000;
};

/** Derives `count` capabilities below the root of a new object over TCP with `inFlight` derives
 * in flight, and returns the time it took in milliseconds. */
const timeFill = async (client: Client, count: number, inFlight: number): Promise<number> => {
  const root = expectOk(await client.create(NODE, 'value of the object the fill rate is measured on'), 'create').cap;
  let started = 0;
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      expectOk(await client.derive(root, ['grant', 'read', 'write']), 'derive');
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, loop));
  return performance.now() - start;
};

export const runTcpRevokeBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const resources = new BenchResources();
  try {
    const data = await createDataDirectory();
    resources.addDirectory(data);
    const built = await buildLog(data, settings);
    const logBytes = (await stat(join(data, RECORD_LOG_FILE_NAME))).size;

    const node = await startBenchNode(NODE, data);
    resources.add(node.kill);
    invariant(node.ready.objects === 1, `the node recovered ${node.ready.objects} objects from a log with 1`);
    const cluster = connectClient(node);
    resources.add(() => cluster.close());
    const client = cluster.client;

    const { small, large } = built;
    await checkBelow(client, [...built.warmups, ...small.targets, ...large.targets], 'ok');
    for (const warmup of built.warmups) {
      await revoke(client, warmup.revoker);
    }

    const timeRevoke = async (shape: Shape, index: number): Promise<void> => {
      shape.timesUs.push(await revoke(client, (shape.targets[index] as RevokeTarget).revoker));
    };
    const half = SMALL_REVOKES_PER_SAMPLE / 2;
    for (let sample = 0; sample < settings.tcpRevokeSamples; sample += 1) {
      const firstSmall = sample * SMALL_REVOKES_PER_SAMPLE;
      for (let index = 0; index < half; index += 1) {
        await timeRevoke(small, firstSmall + index);
      }
      await timeRevoke(large, sample);
      for (let index = half; index < SMALL_REVOKES_PER_SAMPLE; index += 1) {
        await timeRevoke(small, firstSmall + index);
      }
    }
    await checkBelow(client, [...built.warmups, ...small.targets, ...large.targets], 'Revoked');

    const fillMs = await timeFill(client, settings.tcpFillDerives, settings.tcpFillInFlight);
    const fillPerSecond = (settings.tcpFillDerives / fillMs) * 1_000;

    return {
      id: 'tcp-revoke',
      title: `TCP revoke latency: 1 vs ${formatNumber(large.descendants)} capabilities derived below the slot, one node process on 127.0.0.1`,
      tables: [
        {
          title: 'time per revoke over TCP, fsync included (each sample is one revoke of a fresh slot)',
          rows: [large, small].map((shape) => ({
            shape: shape.label,
            'derived below': shape.descendants,
            revokes: shape.timesUs.length,
            'median µs': median(shape.timesUs),
            'min µs': Math.min(...shape.timesUs),
            'max µs': Math.max(...shape.timesUs),
          })),
        },
        {
          title: 'setting up the capabilities',
          rows: [
            { step: 'build the log offline (record-log-builder.ts)', records: built.records, ms: built.buildMs, 'records/s': (built.records / built.buildMs) * 1_000 },
            { step: 'start the node: spawn, recover the log, listen', records: built.records, ms: node.spawnToReadyMs, 'records/s': (built.records / node.spawnToReadyMs) * 1_000 },
            {
              step: `derive over TCP, ${settings.tcpFillInFlight} in flight on one connection`,
              records: settings.tcpFillDerives,
              ms: fillMs,
              'records/s': fillPerSecond,
            },
          ],
        },
      ],
      ratios: [
        {
          name: `median revoke latency over TCP, ${formatNumber(large.descendants)} below / 1 below`,
          value: median(large.timesUs) / median(small.timesUs),
          expected: 'about 1',
        },
      ],
      notes: [
        `log built offline: ${formatNumber(built.records)} records, ${(logBytes / 2 ** 20).toFixed(1)} MiB, in the format and through the code (RecordLog, FileStorage) a live node writes`,
        `deriving the ${formatNumber(large.descendants * settings.tcpRevokeSamples)} capabilities below the large slots over TCP at the measured rate would take an estimated ${formatNumber(
          (large.descendants * settings.tcpRevokeSamples) / fillPerSecond,
        )} s`,
        `the deepest capability below every revoked slot was read before its revoke and refused as Revoked after it; ${WARMUP_REVOKES} untimed revokes ran first`,
      ],
    };
  } finally {
    await resources.release();
  }
};
