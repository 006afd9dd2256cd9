#!/usr/bin/env node
// Entry point of the `shardcap` command. It registers tsx so that Node can load the TypeScript
// sources directly, without a build step.
import { register } from 'tsx/esm/api';

register();

const COMMANDS = {
  demo: 'run the three-services example on the model and print one line per step',
};

const usage = () =>
  [
    'usage: shardcap <command>',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(8)}${summary}`),
    '',
    'options:',
    '  -h, --help  print this help and exit',
  ].join('\n');

const fail = (message) => {
  process.stderr.write(`shardcap: ${message}\n\n${usage()}\n`);
  process.exit(2);
};

const [command, ...rest] = process.argv.slice(2);

if (command === '--help' || command === '-h') {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}
if (command === undefined) {
  fail('missing command');
}
if (!Object.hasOwn(COMMANDS, command)) {
  fail(`unknown command ${JSON.stringify(command)}; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
}
if (rest.length > 0) {
  fail(`${command} takes no arguments, got ${JSON.stringify(rest.join(' '))}`);
}

// A demo step with an outcome other than the specified one, or a Defect thrown by the model,
// ends the run with exit code 1 and the error's message and stack.
try {
  if (command === 'demo') {
    const { runDemo } = await import('./demo.ts');
    runDemo((line) => process.stdout.write(`${line}\n`));
  }
} catch (error) {
  process.stderr.write(`shardcap: ${command} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
