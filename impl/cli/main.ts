/** The `shardcap` command: dispatches to its subcommands and returns the exit status. */
import { randomInt } from 'node:crypto';
import { runCheckCommand, type CommandIo } from './check-command.ts';

const COMMANDS: Readonly<Record<string, string>> = {
  check: 'fuzz an implementation with random distributed histories and check them against the model',
  demo: 'run the three-services example on the model and print one line per step',
  node: 'run one owner node process that serves clients over TCP',
  cluster: 'run a cluster of owner node processes on 127.0.0.1, until Ctrl-C',
  recheck: 'check a recorded run file again, for example with a larger --budget',
};

/** Width of the command names in the usage text: the longest name and two spaces. */
const COMMAND_COLUMN_WIDTH = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;

export const usage = (): string =>
  [
    'usage: shardcap <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(COMMAND_COLUMN_WIDTH)}${summary}`),
    '',
    "run 'shardcap <command> --help' for the options of a command",
    '',
    'options:',
    '  -h, --help  print this help and exit',
  ].join('\n');

export const processIo = (): CommandIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
  randomSeed: () => randomInt(-(2 ** 31), 2 ** 31 - 1),
  exit: (code) => process.exit(code),
});

export const main = async (argv: ReadonlyArray<string>, io: CommandIo): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  if (command === undefined) {
    io.stderr(`shardcap: missing command\n\n${usage()}\n`);
    return 2;
  }
  switch (command) {
    case 'check':
      return runCheckCommand(rest, io);
    case 'demo': {
      if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
        io.stdout('usage: shardcap demo\n\nRuns the three-services example of docs/spec.md on the model and prints one line per step.\nIt takes no options.\n');
        return 0;
      }
      if (rest.length > 0) {
        io.stderr(`shardcap: demo takes no arguments, got ${JSON.stringify(rest.join(' '))}\n\n${usage()}\n`);
        return 2;
      }
      const { runDemo } = await import('./demo.ts');
      runDemo((line) => io.stdout(`${line}\n`));
      return 0;
    }
    case 'node': {
      const { runNodeCommand } = await import('./node-command.ts');
      return runNodeCommand(rest, io);
    }
    case 'cluster': {
      const { runClusterCommand } = await import('./cluster-command.ts');
      return runClusterCommand(rest, io);
    }
    case 'recheck': {
      const { runRecheckCommand } = await import('./recheck-command.ts');
      return runRecheckCommand(rest, io);
    }
    default:
      io.stderr(
        `shardcap: unknown command ${JSON.stringify(command)}; valid commands: ${Object.keys(COMMANDS).join(', ')}\n\n${usage()}\n`,
      );
      return 2;
  }
};
