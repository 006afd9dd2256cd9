/**
 * `shardcap cluster`: starts owner nodes as separate `shardcap node` processes on 127.0.0.1,
 * prints where each one listens, and stops them all on SIGINT or SIGTERM.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { invariant } from '../../model/defect.ts';
import { nodeId, type NodeId } from '../../model/index.ts';
import { fileError } from '../disk/file-error.ts';
import { NODE_START_TIMEOUT_MS, NODE_STOP_TIMEOUT_MS } from '../limits.ts';
import { parseLogLevel } from '../logger.ts';
import { formatAddress, LOOPBACK_HOST, type TcpAddress } from '../net/address-book.ts';
import type { CommandIo } from './check-command.ts';
import { clusterHelp, parseClusterOptions, type ClusterOptions } from './cluster-options.ts';
import { choosePorts } from './free-ports.ts';
import { makeDirectory } from './make-directory.ts';
import { describeExit, NodeProcess } from './node-process.ts';
import { listenForStopSignals, type StopSignals } from './stop-signals.ts';

/** Mode of the data directories the cluster creates: they hold the nodes' secret keys. */
const DATA_DIRECTORY_MODE = 0o700;

/** Runs `shardcap cluster` and returns the exit status once every node has exited. */
export const runClusterCommand = async (argv: ReadonlyArray<string>, io: CommandIo): Promise<number> => {
  const parsed = parseClusterOptions(argv, process.cwd());
  if (E.isLeft(parsed)) {
    return usageError(io, parsed.left);
  }
  if (parsed.right === 'help') {
    io.stdout(`${clusterHelp()}\n`);
    return 0;
  }
  try {
    // Every node would fail on a bad level, so it is checked once here.
    parseLogLevel(process.env['SHARDCAP_LOG'], 'info');
  } catch (error) {
    return usageError(io, `SHARDCAP_LOG: ${error instanceof Error ? error.message : String(error)}`);
  }

  const signals = listenForStopSignals();
  try {
    return await runCluster(parsed.right, io, signals);
  } finally {
    signals.dispose();
  }
};

const usageError = (io: CommandIo, message: string): number => {
  io.stderr(`shardcap cluster: ${message}\nrun 'shardcap cluster --help' for the options\n`);
  return 2;
};

const runCluster = async (options: ClusterOptions, io: CommandIo, signals: StopSignals): Promise<number> => {
  const root = await createDataRoot(options.data);
  if (E.isLeft(root)) {
    io.stderr(`shardcap cluster: ${root.left}\n`);
    return 1;
  }
  io.stdout(`data directory ${root.right}\n`);

  const ids = Array.from({ length: options.nodes }, (_, index) => nodeId(`n${index}`));
  let ports;
  try {
    ports = await choosePorts(LOOPBACK_HOST, options.basePort, options.nodes);
  } catch (error) {
    io.stderr(`shardcap cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const addresses = new Map<NodeId, TcpAddress>();
  ids.forEach((id, index) => {
    const chosen = ports[index];
    invariant(chosen !== undefined, `choosePorts returned ${ports.length} ports for ${options.nodes} nodes`);
    if (chosen.requested !== 0 && chosen.requested !== chosen.port) {
      io.stderr(`shardcap cluster: port ${chosen.requested} is in use, so ${id} listens on free port ${chosen.port}\n`);
    }
    addresses.set(id, { host: LOOPBACK_HOST, port: chosen.port });
  });

  const nodes = ids.map((id) => {
    const address = addresses.get(id) as TcpAddress;
    const peers = new Map([...addresses].filter(([peer]) => peer !== id));
    return new NodeProcess({ id, address, data: join(root.right, id), peers }, (line) => io.stderr(`${line}\n`));
  });
  // Set before the cluster sends any SIGTERM. A stop signal counts too, because Ctrl-C in a
  // terminal reaches the nodes directly, before the cluster's own handler can react.
  const stop = { requested: false };
  for (const node of nodes) {
    void node.exited.then((exit) => {
      if (!stop.requested && !signals.received) {
        io.stderr(`shardcap cluster: node ${node.id} (pid ${String(node.pid)}) exited unexpectedly: ${describeExit(exit)}\n`);
      }
    });
    void node.ready.then((ready) => {
      io.stdout(`${node.id} listening on ${formatAddress(ready.address)} pid ${ready.pid} data ${node.data}\n`);
    });
  }

  const start = await waitForStart(nodes, signals);
  if (start === 'failed' || start === 'timeout') {
    const reason =
      start === 'failed'
        ? 'a node exited before it listened; its log lines above give the reason'
        : `${nodes.filter((node) => !node.isReady).map((node) => node.id).join(', ')} did not listen within ${NODE_START_TIMEOUT_MS / 1000} s`;
    io.stderr(`shardcap cluster: ${reason}. Stopping the other nodes\n`);
    stop.requested = true;
    await stopNodes(nodes, io, signals);
    return 1;
  }
  if (start === 'running') {
    io.stdout(`${nodes.length} nodes running; stop them with Ctrl-C (SIGINT) or SIGTERM\n`);
    const event = await Promise.race([signals.first.then(() => 'signal' as const), allExited(nodes).then(() => 'exited' as const)]);
    if (event === 'exited') {
      io.stderr('shardcap cluster: every node has exited, so the cluster stops\n');
      return 1;
    }
  }

  stop.requested = true;
  await stopNodes(nodes, io, signals);
  io.stdout(`data kept in ${root.right}\n`);
  return 0;
};

/** Creates the directory for the data directories: `data` when given, or a new temporary one. */
const createDataRoot = async (data: string | undefined): Promise<E.Either<string, string>> => {
  try {
    if (data === undefined) {
      return E.right(await mkdtemp(join(tmpdir(), 'shardcap-cluster-')));
    }
    await makeDirectory(data, DATA_DIRECTORY_MODE);
    return E.right(data);
  } catch (error) {
    return E.left(fileError(error, data ?? tmpdir(), 'create the data directory').message);
  }
};

type StartResult = 'running' | 'failed' | 'timeout' | 'signal';

/** Waits until every node listens, one exits, the start timeout passes or a stop signal arrives. */
const waitForStart = async (nodes: ReadonlyArray<NodeProcess>, signals: StopSignals): Promise<StartResult> => {
  const timeout = delay(NODE_START_TIMEOUT_MS);
  try {
    return await Promise.race<StartResult>([
      Promise.all(nodes.map((node) => node.ready)).then(() => 'running'),
      Promise.race(nodes.map((node) => node.exited)).then(() => 'failed'),
      timeout.elapsed.then(() => 'timeout'),
      signals.first.then(() => 'signal'),
    ]);
  } finally {
    timeout.cancel();
  }
};

/**
 * Sends SIGTERM to every running node, waits NODE_STOP_TIMEOUT_MS for them to exit, then sends
 * SIGKILL to the rest, and prints how each one ended. A further SIGINT or SIGTERM sends SIGKILL
 * at once.
 */
const stopNodes = async (nodes: ReadonlyArray<NodeProcess>, io: CommandIo, signals: StopSignals): Promise<void> => {
  const endedBefore = new Set(nodes.filter((node) => node.exit !== undefined));
  const running = nodes.filter((node) => !endedBefore.has(node));
  io.stdout(`stopping ${running.length} nodes\n`);

  const killAll = (): void => {
    for (const node of running) {
      node.kill('SIGKILL');
    }
  };
  signals.onRepeat((signal) => {
    io.stderr(`shardcap cluster: received ${signal} again, so sending SIGKILL to the nodes still running\n`);
    killAll();
  });

  for (const node of running) {
    node.kill('SIGTERM');
  }
  const timeout = delay(NODE_STOP_TIMEOUT_MS);
  const stopped = await Promise.race([allExited(running).then(() => true), timeout.elapsed.then(() => false)]);
  timeout.cancel();
  if (!stopped) {
    const late = running.filter((node) => node.exit === undefined).map((node) => node.id);
    io.stderr(`shardcap cluster: ${late.join(', ')} did not exit within ${NODE_STOP_TIMEOUT_MS / 1000} s of SIGTERM, so sending SIGKILL\n`);
    killAll();
  }
  await allExited(running);

  for (const node of nodes) {
    const exit = describeExit(node.exit ?? { code: null, signal: null });
    io.stdout(endedBefore.has(node) ? `${node.id} had already exited: ${exit}\n` : `${node.id} stopped: ${exit}\n`);
  }
  io.stdout(`all ${nodes.length} nodes stopped\n`);
};

const allExited = (nodes: ReadonlyArray<NodeProcess>): Promise<unknown> => Promise.all(nodes.map((node) => node.exited));

/** Starts a timer and returns it as a promise, with `cancel` to clear it so that it does not
 * keep the process alive. */
const delay = (ms: number): { readonly elapsed: Promise<void>; readonly cancel: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { elapsed, cancel: () => clearTimeout(timer) };
};
