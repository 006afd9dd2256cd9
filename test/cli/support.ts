/** Runs the `shardcap` command in this process with captured output, for the CLI tests. */
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
