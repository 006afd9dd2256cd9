/**
 * Runs `npm run bench -- --quick` as a child process and checks that it finishes and reports every
 * benchmark. It checks no timing: speed is compared only as ratios inside one benchmark run.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ENTRY = 'test/bench/run.ts';

/** A quick run takes a few seconds when the machine is idle; this allows for a loaded one. */
const QUICK_RUN_TIMEOUT_MS = 60_000;

const SECTION_IDS = ['guard', 'revoke', 'messages', 'throughput', 'tcp-latency', 'tcp-throughput', 'tcp-revoke', 'tcp-recovery', 'campaign'];

const SECTION_TITLES = [
  '== guard check:',
  '== revoke cost:',
  '== messages per operation',
  '== simulated cluster throughput:',
  '== TCP round-trip latency:',
  '== TCP throughput:',
  '== TCP revoke latency:',
  '== restart after kill -9:',
  '== main job: a campaign',
];

const runBench = (args: ReadonlyArray<string>): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    encoding: 'utf8',
    timeout: QUICK_RUN_TIMEOUT_MS,
  });

describe('npm run bench --quick', () => {
  let directory = '';
  let jsonPath = '';
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'shardcap-bench-'));
    jsonPath = join(directory, 'results.json');
    run = runBench(['--quick', '--json', jsonPath]);
  }, QUICK_RUN_TIMEOUT_MS + 5_000);

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('exits with code 0', () => {
    expect(run.error, run.stderr).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
  });

  it('prints the machine and command', () => {
    expect(run.stdout).toMatch(/^command: tsx test\/bench\/run\.ts --quick --json /m);
    expect(run.stdout).toMatch(/^machine: .+, \d+ cores, .*Node v\d+/m);
  });

  it.each(SECTION_TITLES)('prints section %s', (title) => {
    expect(run.stdout).toContain(title);
  });

  it('prints every ratio line', () => {
    for (const name of ['guardToken / HMAC', 'median revoke time', 'revoke frames', 'simulated time / real time']) {
      expect(run.stdout).toContain(name);
    }
  });

  it('writes every section to the JSON file', () => {
    const document = readResults(jsonPath);
    expect(document.quick).toBe(true);
    expect(Object.keys(document.sections).sort()).toEqual([...SECTION_IDS].sort());
  });

  // Frame and entry counts are deterministic, unlike times, so the smoke run can check them.
  it('counts 2 frames per remote operation and 0 per attenuate', () => {
    const rows = readResults(jsonPath).sections['messages']?.tables[0]?.rows ?? [];
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      const expected = String(row['operation']).startsWith('attenuate') ? 0 : 2;
      expect(row['frames, 3 nodes'], String(row['operation'])).toBe(expected);
      expect(row['frames, 30 nodes'], String(row['operation'])).toBe(expected);
      expect(row['retries'], String(row['operation'])).toBe(0);
    }
  });

  it('counts 2 model entries changed by either revoke', () => {
    const rows = readResults(jsonPath).sections['revoke']?.tables[1]?.rows ?? [];
    expect(rows.map((row) => row['derived below'])).toEqual([1, 100_000]);
    expect(rows.map((row) => row['changed entries'])).toEqual([2, 2]);
  });

  // The quick settings fix these counts, and a node that lost a record or a request would change them.
  it('times every TCP operation 200 times', () => {
    const rows = readResults(jsonPath).sections['tcp-latency']?.tables[0]?.rows ?? [];
    expect(rows.map((row) => row['operation'])).toEqual(['invoke read', 'derive (fsync)', 'revoke (fsync)']);
    for (const row of rows) {
      expect(row['round trips'], String(row['operation'])).toBe(200);
      expect(row['request bytes'], String(row['operation'])).toBeGreaterThan(100);
    }
  });

  it('measures TCP throughput at 5 concurrencies', () => {
    const rows = readResults(jsonPath).sections['tcp-throughput']?.tables[0]?.rows ?? [];
    expect(rows.map((row) => [row['in flight'], row['connections']])).toEqual([
      [1, 1],
      [16, 1],
      [64, 1],
      [16, 4],
      [64, 4],
    ]);
    for (const row of rows) {
      expect(row['ops/s'], JSON.stringify(row)).toBeGreaterThan(0);
      expect(row['echo ops/s'], JSON.stringify(row)).toBeGreaterThan(0);
    }
  });

  it('revokes 2 large and 8 small slots', () => {
    const section = readResults(jsonPath).sections['tcp-revoke'];
    const rows = section?.tables[0]?.rows ?? [];
    expect(rows.map((row) => row['derived below'])).toEqual([10_000, 1]);
    expect(rows.map((row) => row['revokes'])).toEqual([2, 8]);
    // 1 create, 50 warm-up slots with a child each, and 2 samples of 10,001 slots and 4 small slots of 2.
    expect(section?.tables[1]?.rows[0]?.['records']).toBe(1 + 50 * 2 + 2 * (10_001 + 4 * 2));
  });

  it('restarts each node once per log size', () => {
    const rows = readResults(jsonPath).sections['tcp-recovery']?.tables[0]?.rows ?? [];
    expect(rows.map((row) => row['records built'])).toEqual([0, 1_000, 10_000]);
    expect(rows.map((row) => row['restarts'])).toEqual([1, 1, 1]);
  });
});

interface Results {
  readonly quick: boolean;
  readonly sections: Readonly<Record<string, { readonly tables: ReadonlyArray<{ readonly rows: ReadonlyArray<Record<string, unknown>> }> }>>;
}

const readResults = (path: string): Results => JSON.parse(readFileSync(path, 'utf8')) as Results;

describe('npm run bench flags', () => {
  it('rejects an unknown flag with exit code 2', () => {
    const run = runBench(['--fast']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown flag "--fast"');
    expect(run.stderr).toContain('--quick, --json FILE, --help');
    expect(run.stdout).toBe('');
  });

  it('rejects --json without a file with exit code 2', () => {
    const run = runBench(['--json']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--json needs a file name');
  });

  it('rejects --json in a missing directory', () => {
    const run = runBench(['--quick', '--json', join(tmpdir(), 'shardcap-bench-missing', 'results.json')]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('shardcap-bench-missing');
    expect(run.stderr).toContain('not found');
    expect(run.stdout).toBe('');
  });
});
