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

    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
