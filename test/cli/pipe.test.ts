/** The `shardcap` binary when the reader of its output stops early, as `shardcap demo | head -1` does. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN_PATH = fileURLToPath(new URL('../../impl/cli/bin.mjs', import.meta.url));

describe('closed output pipe', () => {
  it('ends quietly without an EPIPE trace', async () => {
    const child = spawn(process.execPath, [BIN_PATH, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Reading one chunk and closing the pipe is what `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());

    const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));

    // demo usually finishes writing before the closed pipe shows, and then keeps status 0.
    expect(stderr).not.toContain('EPIPE');
    expect([0, 141]).toContain(code);
  });

  it('does not report a cut-short check as passed', async () => {
    const child = spawn(process.execPath, [BIN_PATH, 'check', '--runs', '100000', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The first progress line shows the campaign runs, and closing the pipe then is what
    // `2>&1 | head -1` does to the check.
    child.stderr.once('data', () => child.stderr.destroy());

    const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));

    expect(code).toBe(141);
  });
});
