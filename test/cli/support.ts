/** Runs the `shardcap` command for the CLI tests: in this process with captured output, or as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from '../../impl/cli/check-command.ts';
import { main } from '../../impl/cli/main.ts';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `shardcap ...argv`; `randomSeed` is the seed `check` draws when none is given. */
export const runCommand = async (argv: ReadonlyArray<string>, randomSeed = 1): Promise<Captured> => {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: false,
    randomSeed: () => randomSeed,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
};

/** A `shardcap` process started with `spawnShardcap`, with its output so far. */
export interface SpawnedCommand {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit status, or null when a signal ended the process. */
  readonly exited: Promise<number | null>;
}

const BIN_PATH = fileURLToPath(new URL('../../impl/cli/bin.mjs', import.meta.url));

/** Starts `shardcap ...argv` as a child process, for the tests that send it signals. */
export const spawnShardcap = (argv: ReadonlyArray<string>): SpawnedCommand => {
  const child = spawn(process.execPath, [BIN_PATH, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
};
