/**
 * Sizes and durations of every benchmark, in one place: the full run that docs/benchmarks.md
 * reports and the `--quick` run that only checks that each benchmark still works.
 */

export interface BenchSettings {
  /** Time tinybench spends measuring each task in one round, in milliseconds. */
  readonly taskTimeMs: number;
  /** Time tinybench spends warming up each task before the first round, in milliseconds. */
  readonly warmupTimeMs: number;
  /** Rounds of a micro-benchmark. Each round measures every task once, subject and baseline in
   * turn. Reported times and ratios are medians over rounds, so a burst of load on the machine
   * shifts a few rounds rather than one side of a ratio. */
  readonly rounds: number;

  /** Capabilities derived below each revoked slot in the large shape; the small shape has 1. */
  readonly revokeDescendants: number;
  /** Rounds of the revoke benchmark. Each round builds a fresh shard for each shape. An even count
   * lets the two objects of equal size be built last equally often. */
  readonly revokeRounds: number;
  /** Revoked slots per shape and round, each with its own subtree. */
  readonly revokeSlotsPerRound: number;

  /** Capabilities derived below the revoked slot in the message count's larger case. */
  readonly messageDescendants: number;
  /** Node counts compared by the message count. */
  readonly messageNodeCounts: ReadonlyArray<number>;

  /** Operations in the simulated-cluster throughput workload, over all clients. */
  readonly workloadOps: number;
  /** Clients running the workload at once. */
  readonly workloadClients: number;
  /** Owner nodes in the workload's cluster. */
  readonly workloadNodes: number;

  /** Histories in the timed `shardcap check` campaign. */
  readonly campaignHistories: number;
  /** Histories in each untimed warm-up campaign before it. */
  readonly campaignWarmUpHistories: number;

  /** Timed iterations of the TCP latency benchmark. Each times every operation and an echo of its
   * request size once. */
  readonly tcpLatencySamples: number;
  /** Iterations run before the timed ones, untimed, so both processes run optimized code. */
  readonly tcpLatencyWarmups: number;

  /** Requests in flight at once in the TCP throughput benchmark, over all its connections. */
  readonly tcpThroughputInFlight: ReadonlyArray<number>;
  /** Connection counts of the TCP throughput benchmark. Each connection belongs to its own
   * client, and the requests in flight are split evenly between them. */
  readonly tcpThroughputConnections: ReadonlyArray<number>;
  /** Time each measurement of the TCP throughput benchmark keeps requests in flight, in milliseconds. */
  readonly tcpThroughputWindowMs: number;
  /** Rounds of the TCP throughput benchmark. Each round measures every setting once, node and echo
   * in turn, and ratios are medians over rounds. */
  readonly tcpThroughputRounds: number;

  /** Capabilities derived below each revoked slot in the large shape of the TCP revoke benchmark;
   * the small shape has 1. The node recovers them from a log built offline. */
  readonly tcpRevokeDescendants: number;
  /** Revokes of the large shape timed in the TCP revoke benchmark. The small shape gets
   * SMALL_REVOKES_PER_SAMPLE of tcp-revoke-bench.ts per sample. Each large one needs its own
   * subtree, so the log to recover grows by `tcpRevokeDescendants` records per sample. */
  readonly tcpRevokeSamples: number;
  /** Derives sent over TCP to measure how fast a client can fill a subtree. */
  readonly tcpFillDerives: number;
  /** Derives in flight at once while filling, on one connection. */
  readonly tcpFillInFlight: number;

  /** Log sizes, in records, after which the recovery benchmark kills and restarts a node. An empty
   * log is always measured too, as the cost of starting the process. */
  readonly recoveryRecordCounts: ReadonlyArray<number>;
  /** Restarts after SIGKILL per log size. */
  readonly recoveryRounds: number;
}

/** Seed of every simulated cluster the benchmarks start, so two runs send the same frames. */
export const BENCH_SEED = 20250601;

/** Capability count per revoked slot that the revoke benchmark compares against 1. */
export const REVOKE_DESCENDANTS_FULL = 100_000;

/** Fan-out of the subtree built below a revoked slot: 320 children, each with up to 320
 * children of its own, hold 100,000 descendants within 2 levels, well inside SLOT_DEPTH_MAX. */
export const SUBTREE_FANOUT = 320;

export const FULL_SETTINGS: BenchSettings = {
  taskTimeMs: 200,
  warmupTimeMs: 500,
  rounds: 31,

  revokeDescendants: REVOKE_DESCENDANTS_FULL,
  revokeRounds: 10,
  // 10 subtrees of 100,001 slots fill 1,000,011 of the 1,048,576 slots one object may have.
  revokeSlotsPerRound: 10,

  messageDescendants: 1_000,
  messageNodeCounts: [3, 30],

  workloadOps: 20_000,
  workloadClients: 4,
  workloadNodes: 3,

  campaignHistories: 5_000,
  campaignWarmUpHistories: 1_000,

  tcpLatencySamples: 3_000,
  tcpLatencyWarmups: 300,

  tcpThroughputInFlight: [1, 16, 64],
  tcpThroughputConnections: [1, 4],
  tcpThroughputWindowMs: 500,
  tcpThroughputRounds: 5,

  tcpRevokeDescendants: REVOKE_DESCENDANTS_FULL,
  tcpRevokeSamples: 5,
  tcpFillDerives: 5_000,
  tcpFillInFlight: 64,

  recoveryRecordCounts: [1_000, 10_000, 100_000],
  recoveryRounds: 5,
};

export const QUICK_SETTINGS: BenchSettings = {
  taskTimeMs: 50,
  warmupTimeMs: 20,
  rounds: 3,

  revokeDescendants: REVOKE_DESCENDANTS_FULL,
  revokeRounds: 1,
  revokeSlotsPerRound: 3,

  messageDescendants: 1_000,
  messageNodeCounts: [3, 30],

  workloadOps: 1_000,
  workloadClients: 4,
  workloadNodes: 3,

  campaignHistories: 30,
  campaignWarmUpHistories: 30,

  tcpLatencySamples: 200,
  tcpLatencyWarmups: 50,

  tcpThroughputInFlight: [1, 16, 64],
  tcpThroughputConnections: [1, 4],
  tcpThroughputWindowMs: 100,
  tcpThroughputRounds: 1,

  tcpRevokeDescendants: 10_000,
  tcpRevokeSamples: 2,
  tcpFillDerives: 300,
  tcpFillInFlight: 64,

  recoveryRecordCounts: [1_000, 10_000],
  recoveryRounds: 1,
};
