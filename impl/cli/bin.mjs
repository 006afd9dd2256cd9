#!/usr/bin/env node
// Entry point of the `shardcap` command. It registers tsx so that Node loads the TypeScript
// sources directly, without a build step, then runs the command in impl/cli/main.ts.
import { register } from 'tsx/esm/api';

register();

// A reader that stops early, such as `head`, closes the pipe. The output is then no longer wanted,
// so the command ends quietly instead of failing with an EPIPE stack trace. A command cut short
// exits with 141, as a shell reports a process that SIGPIPE ended, because its work is not done
// and status 0 would claim it was. A command that had already finished keeps its own status.
const CUT_SHORT_BY_CLOSED_PIPE = 141;
let finished = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') {
      process.exit(finished ? (process.exitCode ?? 0) : CUT_SHORT_BY_CLOSED_PIPE);
    }
    throw error;
  });
}

const { main, processIo } = await import('./main.ts');

try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  // A defect (a broken internal invariant) or an unexpected error ends the run with status 1.
  process.stderr.write(`shardcap: failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
}
finished = true;
