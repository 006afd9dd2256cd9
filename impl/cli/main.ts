/** The `shardcap` command: dispatches to its subcommands and returns the exit status. */
import { randomInt } from 'node:crypto';
import { runCheckCommand, type CommandIo } from './check-command.ts';

const COMMANDS: Readonly<Record<string, string>> = {
  check: 'fuzz an implementation with random distributed histories and check them against the model',
  demo: 'run the three-services example on the model and print one line per step',
};

export const usage = (): string =>
  [
    'usage: shardcap <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(8)}${summary}`),
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
      if (rest.length > 0) {
        io.stderr(`shardcap: demo takes no arguments, got ${JSON.stringify(rest.join(' '))}\n\n${usage()}\n`);
        return 2;
      }
      const { runDemo } = await import('./demo.ts');
      runDemo((line) => io.stdout(`${line}\n`));
      return 0;
    }
    default:
      io.stderr(
        `shardcap: unknown command ${JSON.stringify(command)}; valid commands: ${Object.keys(COMMANDS).join(', ')}\n\n${usage()}\n`,
      );
      return 2;
  }
};
