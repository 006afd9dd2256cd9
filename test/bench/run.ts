/**
 * Entry point of `npm run bench`: runs every benchmark, prints a table and ratios for each, and
 * optionally writes all results as JSON. Exit codes: 0 on success, 1 when a benchmark failed or
 * the JSON file could not be written, 2 for invalid flags. docs/benchmarks.md explains each benchmark and records measured numbers.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, relative } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { runCampaignBench } from './campaign-bench.ts';
import { runGuardBench } from './guard-bench.ts';
import { runMessagesBench } from './messages-bench.ts';
import { parseOptions, USAGE } from './options.ts';
import { describeMachine, renderSection, type SectionResult } from './report.ts';
import { runRevokeBench } from './revoke-bench.ts';
import { FULL_SETTINGS, QUICK_SETTINGS, type BenchSettings } from './settings.ts';
import { runTcpLatencyBench } from './tcp-latency-bench.ts';
import { runTcpRecoveryBench } from './tcp-recovery-bench.ts';
import { runTcpRevokeBench } from './tcp-revoke-bench.ts';
import { runTcpThroughputBench } from './tcp-throughput-bench.ts';
import { runThroughputBench } from './throughput-bench.ts';

/** Every benchmark in the order it runs. The `id` of each result is its key in the JSON output. */
const SECTIONS: ReadonlyArray<(settings: BenchSettings) => SectionResult | Promise<SectionResult>> = [
  runGuardBench,
  runRevokeBench,
  runMessagesBench,
  runThroughputBench,
  runTcpLatencyBench,
  runTcpThroughputBench,
  runTcpRevokeBench,
  runTcpRecoveryBench,
  runCampaignBench,
];

const main = async (args: ReadonlyArray<string>): Promise<number> => {
  const parsed = parseOptions(args);
  if (E.isLeft(parsed)) {
    process.stderr.write(`bench: ${parsed.left}\n\n${USAGE}\n`);
    return 2;
  }
  const options = parsed.right;
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // Checked before the benchmarks run, so a typo in the path does not cost a whole run.
  if (options.jsonPath !== undefined && !existsSync(dirname(options.jsonPath))) {
    process.stderr.write(`bench: directory ${dirname(options.jsonPath)} of --json ${options.jsonPath} not found: create it or pick another path\n`);
    return 2;
  }

  const settings = options.quick ? QUICK_SETTINGS : FULL_SETTINGS;
  const machine = describeMachine();
  const script = relative(process.cwd(), process.argv[1] ?? 'test/bench/run.ts');
  const command = ['tsx', script, ...args].join(' ');
  const loadAverage = loadavg()[0] ?? 0;

  const header = [
    `command: ${command}`,
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}`,
    `load average over the last minute at start: ${loadAverage.toFixed(2)} on ${machine.cores} cores`,
    `mode: ${options.quick ? 'quick (a smoke run: too short for stable numbers)' : 'full'}`,
    'numbers vary with machine load; compare ratios, which are measured side by side in one run',
  ];
  process.stdout.write(`${header.join('\n')}\n\n`);

  const started = performance.now();
  const results: SectionResult[] = [];
  for (const section of SECTIONS) {
    const result = await section(settings);
    results.push(result);
    process.stdout.write(`${renderSection(result)}\n\n`);
  }
  const elapsedS = (performance.now() - started) / 1_000;
  process.stdout.write(`all benchmarks finished in ${elapsedS.toFixed(1)} s\n`);

  if (options.jsonPath !== undefined) {
    const document = {
      command,
      machine,
      loadAverage,
      quick: options.quick,
      settings,
      finishedAt: new Date().toISOString(),
      elapsedS,
      sections: Object.fromEntries(results.map((result) => [result.id, result])),
    };
    try {
      writeFileSync(options.jsonPath, `${JSON.stringify(document, null, 2)}\n`);
    } catch (error) {
      process.stderr.write(`bench: writing results to ${options.jsonPath} failed: ${String(error)}\n`);
      return 1;
    }
    process.stdout.write(`results written to ${options.jsonPath}\n`);
  }
  return 0;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: a benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
