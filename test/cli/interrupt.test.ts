/** A stop signal during a simulator campaign: the histories checked so far are summarized. */
import { describe, expect, it } from 'vitest';
import { spawnShardcap } from './support.ts';

/** Starts `shardcap check` with `args`, sends `signal` once it has run for a while, and returns what it printed. */
const interrupt = async (args: ReadonlyArray<string>, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const { child, output, exited } = spawnShardcap(['check', ...args]);
  // Without --json a header line comes once the campaign starts. With it nothing comes before the
  // end, so the wait covers the start too. Either way some histories finish first.
  const started = Date.now();
  while (!output.stderr.includes('histories against') && Date.now() - started < 3_000 && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  child.kill(signal);
  const code = await exited;
  return { code, ...output };
};

describe('stop signal during a simulator campaign', () => {
  it('prints the summary of the checked histories', async () => {
    // With 10^8 histories, drawing the ones left after the stop would take hours, so the stop
    // must interrupt the generator rather than let it run out.
    const { code, stdout, stderr } = await interrupt(['--runs', '100000000', '--seed', '3'], 'SIGINT');

    expect(code).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT; no further history was run');
    expect(stdout).toMatch(/histories +[1-9][0-9]*/);
    expect(stdout).toMatch(/interrupted by SIGINT after [0-9]+ checked histor(y|ies) of 100000000/);
    expect(stdout).not.toContain('all histories passed');
  });

  it('ends every worker and keeps the JSON valid', async () => {
    const { code, stdout } = await interrupt(['--runs', '100000', '--seed', '3', '--workers', '2', '--json'], 'SIGTERM');

    const summary = JSON.parse(stdout.trim()) as { runs: number; interrupted: string; runsRequested: number; violations: number };
    expect(code).toBe(143);
    expect(summary.interrupted).toBe('SIGTERM');
    expect(summary.runsRequested).toBe(100000);
    expect(summary.runs).toBeGreaterThan(0);
    expect(summary.runs).toBeLessThan(100000);
    expect(summary.violations).toBe(0);
  });
});
