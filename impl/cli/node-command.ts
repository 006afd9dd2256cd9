/** `shardcap node`: one owner node process that serves until SIGINT or SIGTERM. */
import * as E from 'fp-ts/lib/Either.js';
import { createProcessLogger } from '../logger.ts';
import type { CommandIo } from './check-command.ts';
import { nodeHelp, parseNodeOptions } from './node-options.ts';
import { startNode } from './node-runtime.ts';
import { formatReadyLine } from './ready-line.ts';
import { listenForStopSignals } from './stop-signals.ts';

/** Runs `shardcap node` and returns the exit status once the node has stopped. */
export const runNodeCommand = async (argv: ReadonlyArray<string>, io: CommandIo): Promise<number> => {
  const parsed = await parseNodeOptions(argv, process.cwd(), process.env);
  if (E.isLeft(parsed)) {
    io.stderr(`shardcap node: ${parsed.left}\nrun 'shardcap node --help' for the options\n`);
    return 2;
  }
  if (parsed.right === 'help') {
    io.stdout(`${nodeHelp()}\n`);
    return 0;
  }
  const options = parsed.right;
  // No base field: the owner and the transport put the node id in their entries themselves.
  const logger = createProcessLogger({ level: options.logLevel });

  // Registered before the start, so that a signal during recovery stops the node cleanly once
  // it has started instead of killing it halfway.
  const signals = listenForStopSignals();
  signals.onRepeat((signal) => logger.warn({ node: options.id, signal }, 'already stopping: the node exits once its record log is synced'));
  const parentGone = parentExit();

  const started = await startNode(options, logger);
  if (E.isLeft(started)) {
    signals.dispose();
    logger.error({ node: options.id, data: options.data, error: started.left }, 'node failed to start');
    io.stderr(`shardcap node: ${options.id} failed to start: ${started.left}\n`);
    return 1;
  }
  const node = started.right;
  io.stdout(
    `${formatReadyLine({ id: options.id, address: node.address, pid: process.pid, objects: node.owner.shard.objects.size, data: options.data })}\n`,
  );

  const signal = await Promise.race([signals.first, parentGone]);
  logger.info({ node: options.id, signal }, signal === 'parent exited' ? 'stopping: the parent process that started the node exited' : 'stopping');
  try {
    await node.stop();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error({ node: options.id, error: message }, 'node failed to stop cleanly');
    io.stderr(`shardcap node: ${options.id} failed to stop cleanly: ${message}\n`);
    return 1;
  }
  // The signal handlers stay until the process exits, and they keep nothing running. A signal
  // after the stop, such as the SIGTERM that `shardcap cluster` sends after a Ctrl-C has already
  // reached the node, must not turn a clean stop into a kill.
  logger.info({ node: options.id, signal, stats: node.owner.stats }, 'node stopped');
  return 0;
};

/**
 * Resolves when the process that started this node exits, for a node started with an IPC
 * channel, as `shardcap cluster` and `shardcap check --cluster` start theirs. Without a channel it
 * never resolves. So nodes do not outlive a parent killed with SIGKILL.
 */
const parentExit = (): Promise<'parent exited'> => {
  const channel = process.channel;
  if (channel === undefined) {
    return new Promise(() => undefined);
  }
  // The channel alone must not keep the node running once it has stopped.
  channel.unref();
  return new Promise((resolve) => {
    process.once('disconnect', () => resolve('parent exited'));
  });
};
