/**
 * Speed of the simulator itself: how many client operations of a mixed workload it completes per
 * second of real time, and how much simulated time passes per second of real time. This bounds
 * how many operations a fuzzing run can check in a given time. It does not predict speed on a
 * real network, where the round trip, not the CPU, sets the pace.
 */
import { invariant, type NodeId } from '../../model/index.ts';
import type { Client } from '../../impl/client/client.ts';
import type { Outcome } from '../../impl/client/outcome.ts';
import { SimCluster } from '../../impl/sim/cluster.ts';
import type { SeededRandom } from '../../impl/sim/random.ts';
import type { SectionResult } from './report.ts';
import { BENCH_SEED, type BenchSettings } from './settings.ts';
import { clusterOptions } from './sim-support.ts';

/** Capabilities each client keeps to pick from. Adding one past this drops the oldest. */
const POOL_SIZE_MAX = 64;

/** Share of the workload run first, untimed, on a separate cluster, so the timed run executes optimized code. */
const WARMUP_SHARE = 0.1;

interface PooledCap {
  readonly cap: string;
  /** Whether the capability has the grant and write rights: roots and derived ones do, attenuated ones do not. */
  readonly full: boolean;
}

interface Tally {
  ok: number;
  refused: number;
  indeterminate: number;
  invalid: number;
  /** Refused operations by refusal tag. */
  readonly refusals: Map<string, number>;
}

const record = (tally: Tally, outcome: Outcome<unknown>): void => {
  tally[outcome.kind] += 1;
  if (outcome.kind === 'refused') {
    tally.refusals.set(outcome.refusal._tag, (tally.refusals.get(outcome.refusal._tag) ?? 0) + 1);
  }
};

const pick = <T>(random: SeededRandom, items: ReadonlyArray<T>): T | undefined =>
  items.length === 0 ? undefined : items[random.int(items.length)];

const remember = <T>(items: T[], item: T): void => {
  items.push(item);
  if (items.length > POOL_SIZE_MAX) {
    items.shift();
  }
};

/**
 * Runs one client's share of the workload: about 10% create, 35% invoke read, 15% invoke write,
 * 15% derive, 15% attenuate (offline) and 10% revoke of a derived slot. Capabilities below a
 * revoked slot stay in the pool, so some later operations are refused as Revoked.
 */
const runClient = async (client: Client, nodes: ReadonlyArray<NodeId>, random: SeededRandom, ops: number, tally: Tally): Promise<void> => {
  const pool: PooledCap[] = [];
  const revokers: string[] = [];

  for (let op = 0; op < ops; op += 1) {
    const roll = random.int(100);
    const full = pick(random, pool.filter((entry) => entry.full));
    const any = pick(random, pool);

    if (full === undefined || any === undefined || roll < 10) {
      const outcome = await client.create(pick(random, nodes) as NodeId, `value ${op}`);
      record(tally, outcome);
      if (outcome.kind === 'ok') {
        remember(pool, { cap: outcome.value.cap, full: true });
      }
    } else if (roll < 45) {
      record(tally, await client.invoke(any.cap, { kind: 'read' }));
    } else if (roll < 60) {
      record(tally, await client.invoke(full.cap, { kind: 'write', value: `write ${op}` }));
    } else if (roll < 75) {
      const outcome = await client.derive(full.cap, ['grant', 'read', 'write']);
      record(tally, outcome);
      if (outcome.kind === 'ok') {
        remember(pool, { cap: outcome.value.cap, full: true });
        remember(revokers, outcome.value.revoker);
      }
    } else if (roll < 90) {
      const outcome = client.attenuate(any.cap, ['read']);
      record(tally, outcome);
      if (outcome.kind === 'ok') {
        remember(pool, { cap: outcome.value.cap, full: false });
      }
    } else {
      const revoker = revokers.splice(random.int(Math.max(1, revokers.length)), 1)[0];
      record(tally, revoker === undefined ? await client.invoke(any.cap, { kind: 'read' }) : await client.revoke(revoker));
    }
  }
};

interface WorkloadRun {
  readonly tally: Tally;
  readonly realMs: number;
  readonly simulatedMs: number;
  readonly frames: number;
}

const runWorkload = async (settings: BenchSettings, ops: number): Promise<WorkloadRun> => {
  const cluster = new SimCluster(clusterOptions(BENCH_SEED, settings.workloadNodes, settings.workloadClients));
  const random = cluster.world.random.fork('workload');
  const tally: Tally = { ok: 0, refused: 0, indeterminate: 0, invalid: 0, refusals: new Map() };
  const perClient = Math.ceil(ops / settings.workloadClients);

  const simulatedStart = cluster.world.clock.now();
  const realStart = performance.now();
  await cluster.run(
    Promise.all(cluster.clients.map((client, index) => runClient(client, cluster.nodeIds, random.fork(`client/${index}`), perClient, tally))),
  );
  const realMs = performance.now() - realStart;

  const frames = cluster.world.trace.lines().filter((line) => line.includes(' net-send ')).length;
  return { tally, realMs, simulatedMs: cluster.world.clock.now() - simulatedStart, frames };
};

export const runThroughputBench = async (settings: BenchSettings): Promise<SectionResult> => {
  await runWorkload(settings, Math.max(settings.workloadClients, Math.round(settings.workloadOps * WARMUP_SHARE)));
  const run = await runWorkload(settings, settings.workloadOps);

  const { ok, refused, indeterminate, invalid } = run.tally;
  const operations = ok + refused + indeterminate + invalid;
  invariant(invalid === 0, `${invalid} workload operations were rejected as invalid input`);

  return {
    id: 'throughput',
    title: `simulated cluster throughput: ${settings.workloadNodes} nodes, ${settings.workloadClients} concurrent clients, mixed workload`,
    tables: [
      {
        title: 'one run of the workload',
        rows: [
          {
            operations,
            ok,
            refused,
            indeterminate,
            'frames sent': run.frames,
            'real ms': run.realMs,
            'simulated ms': run.simulatedMs,
            'ops per real s': (operations / run.realMs) * 1_000,
          },
        ],
      },
    ],
    ratios: [{ name: 'simulated time / real time', value: run.simulatedMs / run.realMs, expected: 'above 1: the simulator runs faster than the network it simulates' }],
    notes: [
      `refusals: ${[...run.tally.refusals].map(([tag, count]) => `${tag} ${count}`).join(', ') || 'none'}`,
      'workload: about 10% create, 35% invoke read, 15% invoke write, 15% derive, 15% attenuate, 10% revoke',
      'network: no loss, no duplicates, one-way delay 1-2 ms; disk sync 1-5 ms',
    ],
  };
};
