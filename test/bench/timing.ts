/** Time measurement shared by the benchmarks: tinybench for repeatable calls, a plain clock for one-shot ones. */
import { Bench } from 'tinybench';
import { invariant } from '../../model/index.ts';
import type { BenchSettings } from './settings.ts';

export interface TimedTask {
  readonly name: string;
  /** The call to time. It must be repeatable: each call starts from the same state. */
  readonly fn: () => unknown;
}

export interface TaskTiming {
  readonly name: string;
  /** Median over rounds of each round's mean time per call, in nanoseconds. */
  readonly nsPerOp: number;
  readonly opsPerSecond: number;
  /** Median over rounds of the relative margin of error (95%) of the round's mean, in percent. */
  readonly rmePercentMedian: number;
  /** Calls timed over all rounds. */
  readonly samples: number;
  /** Mean time per call of each round, in nanoseconds, in round order. */
  readonly roundNs: ReadonlyArray<number>;
}

export const median = (values: ReadonlyArray<number>): number => {
  invariant(values.length > 0, 'median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Times every task with tinybench, all tasks once per round. Many short rounds interleave the
 * tasks finely, so a change in machine load between rounds affects every task alike. Odd rounds
 * run the tasks in reverse order, so no task always runs right after the same neighbour's
 * garbage. Only the first round warms up.
 */
export const timeTasks = (tasks: ReadonlyArray<TimedTask>, settings: BenchSettings): ReadonlyArray<TaskTiming> => {
  const means = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  const rmes = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  const samples = new Map<string, number>(tasks.map((task) => [task.name, 0]));

  for (let round = 0; round < settings.rounds; round += 1) {
    // hrtime has nanosecond resolution. Subtracting the timer's own cost matters for calls of
    // about a microsecond, where it is an estimated few percent of each sample.
    const bench = new Bench({
      time: settings.taskTimeMs,
      warmup: round === 0,
      warmupTime: settings.warmupTimeMs,
      timestampProvider: 'hrtimeNow',
      subtractTimerOverhead: true,
      throws: true,
    });
    const ordered = round % 2 === 0 ? tasks : [...tasks].reverse();
    for (const task of ordered) {
      bench.add(task.name, task.fn);
    }

    for (const run of bench.runSync()) {
      const result = run.result;
      invariant(result.state === 'completed', `benchmark task ${run.name} ended in state ${result.state}`);
      means.get(run.name)?.push(result.latency.mean * 1e6);
      rmes.get(run.name)?.push(result.latency.rme);
      samples.set(run.name, (samples.get(run.name) ?? 0) + result.latency.samplesCount);
    }
  }

  return tasks.map((task) => {
    const nsPerOp = median(means.get(task.name) ?? []);
    return {
      name: task.name,
      nsPerOp,
      opsPerSecond: 1e9 / nsPerOp,
      rmePercentMedian: median(rmes.get(task.name) ?? []),
      samples: samples.get(task.name) ?? 0,
      roundNs: means.get(task.name) ?? [],
    };
  });
};

/** Returns the median over rounds of `subject`'s time per call divided by `baseline`'s in the
 * same round: a ratio that a slow round moves less than a ratio of two medians. */
export const medianRatio = (subject: TaskTiming, baseline: TaskTiming): number =>
  median(subject.roundNs.map((ns, round) => ns / (baseline.roundNs[round] ?? Number.NaN)));

/** Times one call with the monotonic clock, in nanoseconds. It is for calls that can run only once,
 * such as revoking one slot. Reading the clock adds an estimated few tens of nanoseconds to every sample. */
export const timeOnce = (fn: () => void): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
};
