/**
 * Restart time of a real node process after `kill -9`, against the size of its record log. Two
 * times are measured from the spawn: to the ready line, which covers starting Node.js, loading
 * and replaying the log and listening, and to the first successful response.
 *
 * Method. Each log size gets its own data directory, filled offline by record-log-builder.ts with
 * a mix of the owner's record types (see `fillMixedLog`). An empty log measures what the start
 * costs without any record. The node starts once untimed, and a client creates an object and
 * derives a capability over TCP. The node gets SIGKILL right after the derive's response, so the
 * record survives only because the node wrote it to the log file before it responded. (The node
 * also fsyncs it, which only a crash of the machine would test.) Each round then restarts every
 * node in turn, in an order that rotates between rounds. A restart spawns the node, waits for the
 * ready line, and reads the capability derived before the kill on a new connection: the first
 * response, which shows the record survived. It then derives a new one and sends SIGKILL.
 * Recovery time per record is the difference to the empty log's restart in the same round,
 * divided by the records. The marginal time per record takes the next smaller log instead. Last,
 * the benchmark process replays the largest log itself and times each step (replay-steps.ts).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invariant, nodeId, type ObjectId } from '../../model/index.ts';
import { RECORD_LOG_FILE_NAME } from '../../impl/disk/file-storage.ts';
import { BenchResources, connectClient, startBenchNode, type BenchNode } from './bench-node.ts';
import { createDataDirectory, RecordLogBuilder } from './record-log-builder.ts';
import { timeReplaySteps } from './replay-steps.ts';
import { formatNumber, type SectionResult } from './report.ts';
import type { BenchSettings } from './settings.ts';
import { expectOk } from './sim-support.ts';
import { median } from './timing.ts';

const NODE = nodeId('n0');

/** Records per object in a mixed log: a create, then the other record types. */
const RECORDS_PER_OBJECT = 1_000;

/** Recovery time per record is reported per this many records. */
const RECORDS_PER_UNIT = 10_000;

interface RecordMix {
  create: number;
  derive: number;
  write: number;
  revoke: number;
}

interface LogUnderTest {
  readonly data: string;
  readonly builtRecords: number;
  readonly builtObjects: number;
  readonly mix: RecordMix;
  /** Capability derived over TCP right before the last SIGKILL, read first after the restart. */
  lastDerived: string;
  /** Root capability of the object created over TCP, the parent of every live derive. */
  root: string;
  liveRecords: number;
  readonly readyMs: number[];
  readonly firstResponseMs: number[];
}

/**
 * Appends `records` records to `builder`: one create per RECORDS_PER_OBJECT records, then, of
 * every 10 records, 7 derives, 2 writes and 1 revoke of the slot derived last. Derives alternate
 * between children of the root and children of a live child, so slots sit at depth 1 or 2, and a
 * revoked slot is reused by the next derive, as the owner reuses free slots.
 */
const fillMixedLog = (builder: RecordLogBuilder, records: number): RecordMix => {
  const mix: RecordMix = { create: 0, derive: 0, write: 0, revoke: 0 };
  let object: ObjectId | undefined;
  let children: number[] = [];
  let lastDerived: number | undefined;

  for (let index = 0; index < records; index += 1) {
    const step = index % 10;
    if (object === undefined || index % RECORDS_PER_OBJECT === 0) {
      object = builder.create(`value of object ${mix.create}`);
      children = [];
      lastDerived = undefined;
      mix.create += 1;
    } else if (step === 9 && lastDerived !== undefined) {
      builder.revoke(object, lastDerived);
      children = children.filter((slot) => slot !== lastDerived);
      lastDerived = undefined;
      mix.revoke += 1;
    } else if (step >= 7) {
      builder.write(object, `value ${index}`);
      mix.write += 1;
    } else {
      const parent = index % 2 === 0 || children.length === 0 ? 0 : (children[children.length - 1] as number);
      lastDerived = builder.derive(object, parent);
      if (parent === 0) {
        children.push(lastDerived);
      }
      mix.derive += 1;
    }
  }
  invariant(builder.appended === records, `the mixed log has ${builder.appended} records, expected ${records}`);
  return mix;
};

const prepareLog = async (resources: BenchResources, records: number): Promise<LogUnderTest> => {
  const data = await createDataDirectory();
  resources.addDirectory(data);
  const builder = await RecordLogBuilder.open(data, NODE);
  const mix = fillMixedLog(builder, records);
  await builder.close();
  return {
    data,
    builtRecords: records,
    builtObjects: mix.create,
    mix,
    lastDerived: '',
    root: '',
    liveRecords: 0,
    readyMs: [],
    firstResponseMs: [],
  };
};

/** Derives a capability below the log's live root, so its record is fsynced before the response. */
const deriveLive = async (node: BenchNode, log: LogUnderTest): Promise<void> => {
  const cluster = connectClient(node);
  try {
    log.lastDerived = expectOk(await cluster.client.derive(log.root, ['grant', 'read', 'write']), 'derive').cap;
    log.liveRecords += 1;
  } finally {
    await cluster.close();
  }
};

/** Starts the node on a freshly built log for the first time, creates the live object and derives
 * the first capability, then kills the node. */
const firstStart = async (resources: BenchResources, log: LogUnderTest): Promise<void> => {
  const node = await startBenchNode(NODE, log.data);
  resources.add(node.kill);
  try {
    const cluster = connectClient(node);
    try {
      log.root = expectOk(await cluster.client.create(NODE, 'value of the object created over TCP'), 'create').cap;
      log.liveRecords += 1;
    } finally {
      await cluster.close();
    }
    await deriveLive(node, log);
  } finally {
    await node.kill();
  }
};

/** Restarts the killed node, times its ready line and its first response, then derives and kills it again. */
const restart = async (resources: BenchResources, log: LogUnderTest): Promise<void> => {
  const node = await startBenchNode(NODE, log.data);
  resources.add(node.kill);
  try {
    invariant(
      node.ready.objects === log.builtObjects + 1,
      `the node recovered ${node.ready.objects} objects from ${log.data}, expected ${log.builtObjects + 1}`,
    );
    const cluster = connectClient(node);
    try {
      const read = expectOk(await cluster.client.invoke(log.lastDerived, { kind: 'read' }), 'read after restart');
      log.firstResponseMs.push(performance.now() - node.spawnedAt);
      invariant(read.kind === 'read', `the first read after a restart returned ${JSON.stringify(read)}`);
    } finally {
      await cluster.close();
    }
    log.readyMs.push(node.spawnToReadyMs);
    await deriveLive(node, log);
  } finally {
    await node.kill();
  }
};

/**
 * Returns the median over rounds of the time `log` took above the time `base` took in the same
 * round, per RECORDS_PER_UNIT records of the difference in built records.
 */
const perUnitAbove = (log: LogUnderTest, base: LogUnderTest, times: (log: LogUnderTest) => ReadonlyArray<number>): number => {
  invariant(log.builtRecords > base.builtRecords, `log of ${log.builtRecords} records compared with a log that is not smaller`);
  const baseTimes = times(base);
  const records = log.builtRecords - base.builtRecords;
  return median(times(log).map((ms, round) => ((ms - (baseTimes[round] ?? Number.NaN)) / records) * RECORDS_PER_UNIT));
};

const describeMix = (mix: RecordMix, records: number): string =>
  records === 0
    ? 'none'
    : (['create', 'derive', 'write', 'revoke'] as const).map((type) => `${((mix[type] / records) * 100).toFixed(1)}% ${type}`).join(', ');

export const runTcpRecoveryBench = async (settings: BenchSettings): Promise<SectionResult> => {
  const resources = new BenchResources();
  try {
    const sizes = [0, ...settings.recoveryRecordCounts];
    const logs: LogUnderTest[] = [];
    for (const records of sizes) {
      const log = await prepareLog(resources, records);
      await firstStart(resources, log);
      logs.push(log);
    }
    const empty = logs[0] as LogUnderTest;

    for (let round = 0; round < settings.recoveryRounds; round += 1) {
      const first = round % logs.length;
      for (const log of [...logs.slice(first), ...logs.slice(0, first)]) {
        await restart(resources, log);
      }
    }

    const bytes = await Promise.all(logs.map(async (log) => (await stat(join(log.data, RECORD_LOG_FILE_NAME))).size));
    const measured = logs.filter((log) => log.builtRecords > 0);
    const smallest = measured[0];
    const largest = measured.at(-1);
    const beforeLargest = logs.at(-2);
    invariant(
      smallest !== undefined && largest !== undefined && beforeLargest !== undefined,
      'the recovery benchmark needs at least one non-empty log size',
    );
    const readyPerUnit = (log: LogUnderTest, base: LogUnderTest): number => perUnitAbove(log, base, (entry) => entry.readyMs);

    // Every node has been killed by now, so the benchmark process may open the largest log itself.
    const steps = await timeReplaySteps(largest.data, NODE);
    const stepRow = (step: string, ms: number) => ({ step, ms, 'µs per record': (ms / steps.records) * 1_000 });
    const stepBelow = logs.at(-3);
    const marginal =
      stepBelow === undefined
        ? []
        : [
            {
              name: `marginal restart time per record, ${formatNumber(beforeLargest.builtRecords)} to ${formatNumber(largest.builtRecords)} records / the step below`,
              value: readyPerUnit(largest, beforeLargest) / readyPerUnit(beforeLargest, stepBelow),
              expected: 'about 1 once replay is warm; below 1 while the step below still carries part of the warm-up',
            },
          ];

    return {
      id: 'tcp-recovery',
      title: 'restart after kill -9: one node process on 127.0.0.1, time to the ready line and to the first response against the log size',
      tables: [
        {
          title: `restarts after SIGKILL, medians over ${settings.recoveryRounds} rounds`,
          rows: logs.map((log, index) => ({
            'records built': log.builtRecords,
            'log MiB': (bytes[index] ?? 0) / 2 ** 20,
            restarts: log.readyMs.length,
            'spawn to ready ms': median(log.readyMs),
            'min ms': Math.min(...log.readyMs),
            'max ms': Math.max(...log.readyMs),
            'spawn to first response ms': median(log.firstResponseMs),
          })),
        },
        {
          title: `restart time per ${formatNumber(RECORDS_PER_UNIT)} records: above the empty log's, and above the next smaller log's (marginal); medians over rounds of differences within a round`,
          rows: measured.map((log) => {
            const smaller = logs[logs.indexOf(log) - 1] as LogUnderTest;
            return {
              'records built': log.builtRecords,
              'ready ms per 10k records': readyPerUnit(log, empty),
              'first response ms per 10k records': perUnitAbove(log, empty, (entry) => entry.firstResponseMs),
              'marginal ready ms per 10k records': readyPerUnit(log, smaller),
            };
          }),
        },
        {
          title: `the steps of recovery, timed one by one in the benchmark process on the ${formatNumber(steps.records)} records of the largest log`,
          rows: [
            stepRow('read the file, check frames and checksums (RecordLog.open)', steps.loadMs),
            stepRow('decode each record (decodeRecord)', steps.decodeMs),
            stepRow('apply each record to the shard (applyRecord)', steps.applyMs),
            stepRow('build the response of each request (outputOfRecord; only on a retry, not at recovery)', steps.responsesMs),
          ],
        },
      ],
      ratios: [
        {
          name: `restart time per record above the empty log, ${formatNumber(largest.builtRecords)} / ${formatNumber(smallest.builtRecords)} records`,
          value: readyPerUnit(largest, empty) / readyPerUnit(smallest, empty),
          expected: 'at most about 1: replay code runs unoptimized at first, a fixed cost that a small log spreads over few records, but the smallest log adds less time than the start varies by',
        },
        ...marginal,
        {
          name: `spawn to ready, ${formatNumber(largest.builtRecords)} records / empty log`,
          value: median(largest.readyMs) / median(empty.readyMs),
          expected: 'above 1',
        },
      ],
      notes: [
        `record mix of the built logs: ${describeMix(largest.mix, largest.builtRecords)}; each log also holds the create and derives sent over TCP (${empty.liveRecords} records each by the end)`,
        'spawn to ready includes starting Node.js and loading the TypeScript sources through tsx, which the empty log measures alone',
        'the first response is a read, on a new connection opened after the ready line, of the capability derived right before the SIGKILL',
      ],
    };
  } finally {
    await resources.release();
  }
};
