/** Options of `shardcap cluster`: parsing, validation and help text. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { CLUSTER_NODES_MAX, NODE_START_TIMEOUT_MS, NODE_STOP_TIMEOUT_MS } from '../limits.ts';
import { parseArgsErrorMessage } from './parse-args-error.ts';

export interface ClusterOptions {
  readonly nodes: number;
  /** Port of node n0; node nI gets `basePort + I`. 0 picks a free port for every node. */
  readonly basePort: number;
  /** Absolute path of the directory that contains the data directories, or `undefined` for a new
   * temporary one. */
  readonly data: string | undefined;
}

export const CLUSTER_BASE_PORT_DEFAULT = 7400;

const PORT_MAX = 65_535;

export const clusterHelp = (): string =>
  [
    'usage: shardcap cluster --nodes N [--base-port P] [--data DIR]',
    '',
    'Starts N owner nodes n0 to n{N-1}, each a separate `shardcap node` process listening on 127.0.0.1,',
    'and prints one line per node once it listens:',
    '  ID listening on HOST:PORT pid PID data DIR',
    "The nodes' JSON log lines are copied to stderr, each prefixed with [ID]. On Ctrl-C (SIGINT) or",
    `SIGTERM it sends SIGTERM to every node, waits up to ${NODE_STOP_TIMEOUT_MS / 1000} s for them to exit, sends SIGKILL to`,
    'the rest, and exits with status 0. A node that exits on its own is reported with its exit code',
    'or signal, and the others keep running.',
    '',
    'options:',
    `  --nodes N        number of nodes, 1 to ${CLUSTER_NODES_MAX}`,
    `  --base-port P    TCP port of n0; nI listens on P+I (default ${CLUSTER_BASE_PORT_DEFAULT}). A port that is in use is`,
    '                   replaced by a free one, and the replacement is printed. 0 picks free ports for all',
    '  --data DIR       directory for the data directories DIR/n0 to DIR/n{N-1}, created with mode 0700',
    '                   when missing (default: a new directory under the system temporary directory,',
    '                   printed at start). The data is kept after the cluster stops',
    '  -h, --help       print this help and exit',
    '',
    'environment:',
    '  SHARDCAP_LOG     log level of the nodes: debug, info (default), warn, error or silent',
    '',
    `exit status: 0 after a stop by SIGINT or SIGTERM, 1 when a node fails to start within`,
    `${NODE_START_TIMEOUT_MS / 1000} s or every node has exited, 2 for bad usage.`,
  ].join('\n');

/** Parses `argv` (the arguments after `cluster`). Returns a message that names the bad value and
 * the fix on the left. */
export const parseClusterOptions = (argv: ReadonlyArray<string>, cwd: string): E.Either<string, ClusterOptions | 'help'> => {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: 'string' },
        'base-port': { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return E.left(parseArgsErrorMessage(error));
  }
  if (values.help === true) {
    return E.right('help');
  }

  if (values.nodes === undefined) {
    return E.left('missing --nodes: give the number of nodes to start, such as --nodes 3');
  }
  const nodes = integerIn(values.nodes, 1, CLUSTER_NODES_MAX);
  if (nodes === undefined) {
    return E.left(`invalid --nodes ${JSON.stringify(values.nodes)}: use an integer from 1 to ${CLUSTER_NODES_MAX}`);
  }

  const basePortText = values['base-port'];
  const basePort = basePortText === undefined ? CLUSTER_BASE_PORT_DEFAULT : integerIn(basePortText, 0, PORT_MAX);
  if (basePort === undefined) {
    return E.left(`invalid --base-port ${JSON.stringify(basePortText)}: use an integer from 0 to ${PORT_MAX}`);
  }
  if (basePort !== 0 && basePort + nodes - 1 > PORT_MAX) {
    return E.left(
      `invalid --base-port ${basePort} for ${nodes} nodes: the last node would need port ${basePort + nodes - 1}, above ${PORT_MAX}; use a base port of at most ${PORT_MAX - nodes + 1}`,
    );
  }

  if (values.data !== undefined && values.data.trim() === '') {
    return E.left('invalid --data "": give a directory path, or omit --data for a new temporary directory');
  }
  return E.right({ nodes, basePort, data: values.data === undefined ? undefined : resolve(cwd, values.data) });
};

const integerIn = (text: string, min: number, max: number): number | undefined => {
  const value = Number(text);
  return /^[0-9]+$/.test(text) && Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
};
