import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, type Captured } from './support.ts';

const run = (...argv: string[]): Promise<Captured> => runCommand(argv, 77);

describe('shardcap check', () => {
  it('prints help with every option', async () => {
    const result = await run('check', '--help');
    expect(result.code).toBe(0);
    for (const option of ['--impl', '--runs', '--seed', '--nodes', '--clients', '--faults', '--budget', '--report', '--replay', '--json', '--cluster', '--workers', '--shard']) {
      expect(result.stdout).toContain(option);
    }
  });

  const usageErrors: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [['--runs', '0'], 'invalid --runs "0"'],
    [['--runs', 'many'], 'invalid --runs "many"'],
    [['--nodes', '65'], 'invalid --nodes "65"'],
    [['--faults', 'crash,fire'], 'invalid fault kind "fire"'],
    [['--impl', 'mutant:nope'], 'unknown --impl "mutant:nope"'],
    [['--replay', 'abc'], 'invalid --replay "abc"'],
    [['--replay=1:99999999999999999999'], 'invalid --replay'],
    [['--replay=99999999999:1'], 'its seed 99999999999 is not a 32-bit integer'],
    [['--seed', '1', '--replay', '2:0'], 'disagrees with the seed 2'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
    [['--workers', '0'], 'invalid --workers "0"'],
    [['--shard', '3/2'], 'invalid --shard "3/2"'],
    [['--shard', '0/2'], 'invalid --shard "0/2"'],
    [['--shard', 'half'], 'invalid --shard "half"'],
    [['--workers', '2', '--replay=1:0'], 'drop them'],
    [['--runs', '3', '--shard', '4/4'], 'part 4 of 4 has no histories, because --runs 3 is less than the 4 partitions (4 parts × 1 worker)'],
    [['extra'], 'extra'],
    [['--faults', 'all,crash'], 'invalid --faults "all,crash": all cannot be combined with other kinds'],
    [['--faults', 'crash,none'], 'none cannot be combined'],
    [['--runs', '-1'], "the value after --runs starts with '-', so it reads as an option: write --runs=VALUE"],
    [['--runs=-1'], 'invalid --runs "-1"'],
  ];
  for (const [argv, message] of usageErrors) {
    it(`rejects ${argv.join(' ')}`, async () => {
      const result = await run('check', ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });
  }

  it('passes the reference and prints the table', async () => {
    const result = await run('check', '--runs', '20', '--seed', '5');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('histories        20');
    expect(result.stdout).toContain('verdicts         pass 20, violation 0, unknown 0');
    expect(result.stderr).toContain('seed 5');
  });

  it('prints one JSON summary', async () => {
    const result = await run('check', '--runs', '10', '--seed', '3', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ runs: 10, violations: 0, unknown: 0, seed: 3 });
    expect(summary['ops']).toBeGreaterThan(0);
    expect(summary['durationMs']).toBeGreaterThanOrEqual(0);
    expect(Object.keys(summary['faults'] as object).sort()).toEqual(['crash', 'delay', 'disk', 'drop', 'duplicate', 'partition']);
  });

  it('shares the runs between worker threads', async () => {
    const result = await run('check', '--runs', '24', '--seed', '3', '--workers', '2', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runs: 24, violations: 0, workers: 2, shard: '1/1' });
  });

  it('shards add up to the campaign', async () => {
    const parts = await Promise.all(['1/3', '2/3', '3/3'].map((shard) => run('check', '--runs', '10', '--seed', '4', '--shard', shard, '--json')));
    const runs = parts.map((part) => (JSON.parse(part.stdout) as { runs: number }).runs);
    expect(runs).toEqual([4, 3, 3]);
  });

  it('replays a failure found on a worker thread', async () => {
    const found = await run('check', '--runs', '300', '--seed', '12', '--workers', '2', '--impl', 'mutant:skip-version-check', '--json');
    expect(found.code).toBe(1);
    const summary = JSON.parse(found.stdout) as { replayToken: string; replay: string };
    expect(summary.replay).not.toContain('--workers');
    const replayed = await run('check', '--impl', 'mutant:skip-version-check', `--replay=${summary.replayToken}`);
    expect(replayed.code).toBe(1);
  });

  it('uses the drawn seed when none is given', async () => {
    const result = await run('check', '--runs', '2', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ seed: 77 });
  });

  it('passes the model', async () => {
    const result = await run('check', '--runs', '30', '--seed', '9', '--impl', 'model');
    expect(result.code).toBe(0);
  });

  /** The shrunk history as printed, without the shrink count and the summary. */
  const traceOf = (text: string): string => text.slice(text.indexOf('\nnodes:'), text.indexOf('\nreplay:'));

  it('finds a mutant and replays it exactly', async () => {
    const found = await run('check', '--runs', '300', '--seed=-7', '--impl', 'mutant:skip-version-check');
    expect(found.code).toBe(1);
    const token = /--replay=(-7:[0-9:]+)/.exec(found.stdout)?.[1];
    expect(token).toBeDefined();

    const replayed = await run('check', '--impl', 'mutant:skip-version-check', `--replay=${token}`);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('<-- violation');
    expect(replayed.stdout).toContain(`--replay=${token}`);
    expect(traceOf(replayed.stdout)).toBe(traceOf(found.stdout));
    expect(traceOf(found.stdout).length).toBeGreaterThan(100);
  });

  it('prints the replay token in JSON', async () => {
    const found = await run('check', '--runs', '300', '--seed', '11', '--impl', 'mutant:skip-version-check', '--json');
    expect(found.code).toBe(1);
    const summary = JSON.parse(found.stdout) as { replayToken: string; violations: number; violated: Array<{ check: string; message: string }> };
    expect(summary.violations).toBe(1);
    expect(summary.violated.length).toBeGreaterThan(0);
    expect(summary.violated.every((violation) => violation.check.length > 0 && violation.message.length > 0)).toBe(true);
    const replayed = await run('check', '--impl', 'mutant:skip-version-check', '--replay', summary.replayToken);
    expect(replayed.code).toBe(1);
  });

  it('replay that passes is not success', async () => {
    const found = await run('check', '--runs', '300', '--seed', '11', '--impl', 'mutant:skip-version-check', '--json');
    const token = (JSON.parse(found.stdout) as { replayToken: string }).replayToken;
    const replayed = await run('check', '--impl', 'reference', '--replay', token);
    expect(replayed.code).toBe(2);
    expect(replayed.stderr).toContain('the replayed history passed');
    expect(replayed.stdout).not.toContain('all histories passed');
  });

  it('rejects a path of another generator', async () => {
    const result = await run('check', '--replay', '42:0:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20:21:22:23:24:25:26:27:28:29:30');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid --replay');
  });

  it('rejects an unusable report directory first', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardcap-report-'));
    const file = join(directory, 'file');
    writeFileSync(file, 'x');
    const result = await run('check', '--runs', '5', '--seed', '1', '--report', join(file, 'sub'));
    rmSync(directory, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a directory');
    expect(result.stdout).toBe('');
  });

  it('creates no report directory on a pass', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardcap-report-'));
    const report = join(directory, 'missing', 'report');
    const result = await run('check', '--runs', '3', '--seed', '1', '--report', report);
    const created = existsSync(join(directory, 'missing'));
    rmSync(directory, { recursive: true, force: true });

    expect(result.code).toBe(0);
    expect(created).toBe(false);
  });

  it('creates missing report levels on a violation', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardcap-report-'));
    const report = join(directory, 'missing', 'report');
    const result = await run('check', '--runs', '300', '--seed', '11', '--impl', 'mutant:skip-version-check', '--report', report);
    const written = existsSync(join(report, 'index.html'));
    rmSync(directory, { recursive: true, force: true });

    expect(result.code).toBe(1);
    expect(written).toBe(true);
  });

  it('survives a report that cannot be written', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardcap-report-'));
    mkdirSync(join(directory, 'index.html'));
    const result = await run('check', '--runs', '300', '--seed', '11', '--impl', 'mutant:skip-version-check', '--report', directory);
    rmSync(directory, { recursive: true, force: true });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write the report to ${directory}`);
    expect(result.stderr).not.toContain('shardcap: failed');
    expect(result.stdout).toContain('replay:');
    expect(result.stdout).toContain('violation');
  });

  // root may write to a directory without write permission, so there the check cannot fail.
  it.skipIf(process.getuid?.() === 0)('rejects an unwritable report parent', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'shardcap-report-'));
    chmodSync(directory, 0o500);
    const result = await run('check', '--runs', '3', '--seed', '1', '--report', join(directory, 'report'));
    chmodSync(directory, 0o700);
    rmSync(directory, { recursive: true, force: true });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give a writable directory');
  });

  it('reports unknown verdicts with status 2', async () => {
    const result = await run('check', '--runs', '5', '--seed', '2', '--budget', '1');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('ran out of budget');
  });
});

describe('shardcap', () => {
  it('rejects an unknown command', async () => {
    const result = await run('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"; valid commands: check, demo');
  });

  it('requires a command', async () => {
    expect((await run()).code).toBe(2);
  });

  it('demo has help', async () => {
    const result = await run('demo', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: shardcap demo');
  });
});
