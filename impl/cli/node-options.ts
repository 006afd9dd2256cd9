/** Options of `shardcap node`: parsing, validation, the config file and help text. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { isNodeId, type NodeId } from '../../model/index.ts';
import { MUTANTS } from '../../properties/mutants.ts';
import { parseLogLevel, type LoggerLevel } from '../logger.ts';
import type { TcpAddress } from '../net/address-book.ts';
import { parseHostPort, parsePeerEntries, parsePeerList } from './host-port.ts';
import { readNodeConfig, type NodeConfig } from './node-config.ts';
import { parseArgsErrorMessage } from './parse-args-error.ts';

export interface NodeOptions {
  readonly id: NodeId;
  readonly listen: TcpAddress;
  /** Absolute path of the data directory. */
  readonly data: string;
  /** Listen addresses of the other nodes, without this node's own id. */
  readonly peers: ReadonlyMap<NodeId, TcpAddress>;
  readonly logLevel: LoggerLevel;
  /** `reference`, or `mutant:NAME` for a deliberately broken owner that the checker must catch. */
  readonly impl: string;
}

export const nodeHelp = (): string =>
  [
    'usage: shardcap node --id ID --listen HOST:PORT --data DIR [--peers ID=HOST:PORT,...] [--config FILE]',
    '',
    'Runs one owner node. It recovers the objects it owns from the record log in its data directory,',
    'then answers client requests over TCP. On SIGINT, SIGTERM or SIGHUP it closes its connections, syncs the',
    'record log and exits with status 0.',
    '',
    'options:',
    '  --id ID          node id: 1 to 32 lowercase letters, digits or dashes, starting with a letter or digit',
    '  --listen ADDR    TCP address to listen on: HOST:PORT, [IPv6]:PORT, or a bare PORT (host 127.0.0.1).',
    '                   Port 0 picks a free port. Connections are neither authenticated nor encrypted, so',
    '                   listen on 0.0.0.0 or a public address only inside a trusted network',
    '  --data DIR       data directory, created with mode 0700 when missing; contains node.key and records.log.',
    '                   A second node on the same directory exits: the LOCK file names the running one',
    '  --peers LIST     listen addresses of the other nodes as ID=HOST:PORT, separated by commas; an entry',
    "                   for this node's own id is ignored, so every node can be given the same list",
    '  --config FILE    JSON file with any of the fields id, listen, data and peers (an object from node id',
    '                   to "HOST:PORT"); a relative data path is relative to the file; options given on the',
    '                   command line override the file',
    '  --impl NAME      owner behaviour: reference (default), or mutant:NAME for a deliberately broken',
    '                   owner that `shardcap check --cluster` must catch, with NAME one of',
    `                   ${MUTANTS.map((mutant) => mutant.name).join(', ')}. Never in production`,
    '  -h, --help       print this help and exit',
    '',
    'environment:',
    '  SHARDCAP_LOG     level of the JSON log lines on stderr: debug, info (default), warn, error or silent',
    '',
    'output: once listening, one line on stdout:',
    '  ID listening on HOST:PORT pid PID objects N data DIR',
    'where N is the number of objects recovered from the record log.',
    '',
    'exit status: 0 after a stop by SIGINT, SIGTERM or SIGHUP, 1 when the node fails to start or to stop',
    'cleanly, 2 for bad usage.',
  ].join('\n');

/**
 * Parses `argv` (the arguments after `node`) and the config file it names. Relative paths are
 * resolved against `cwd`. Returns a message that names the bad value and the fix on the left.
 */
export const parseNodeOptions = async (
  argv: ReadonlyArray<string>,
  cwd: string,
  environment: NodeJS.ProcessEnv,
): Promise<E.Either<string, NodeOptions | 'help'>> => {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        id: { type: 'string' },
        listen: { type: 'string' },
        data: { type: 'string' },
        peers: { type: 'string' },
        config: { type: 'string' },
        impl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return E.left(parseArgsErrorMessage(error));
  }
  if (values.help === true) {
    return E.right('help');
  }

  let config: NodeConfig = {};
  if (values.config !== undefined) {
    const read = await readNodeConfig(resolve(cwd, values.config));
    if (E.isLeft(read)) {
      return read;
    }
    config = read.right;
  }

  const idText = values.id ?? config.id;
  if (idText === undefined) {
    return E.left('missing --id: give the node id, such as --id n0, or set "id" in the --config file');
  }
  if (!isNodeId(idText)) {
    return E.left(
      `invalid --id ${JSON.stringify(idText)}: use 1 to 32 lowercase letters, digits or dashes, starting with a letter or digit, such as n0`,
    );
  }

  const listenText = values.listen ?? config.listen;
  if (listenText === undefined) {
    return E.left('missing --listen: give the address to listen on, such as --listen 127.0.0.1:7400, or set "listen" in the --config file');
  }
  const listen = parseHostPort(listenText, { allowPortZero: true });
  if (E.isLeft(listen)) {
    return E.left(`--listen: ${listen.left}`);
  }

  const dataText = values.data ?? config.data;
  if (dataText === undefined || dataText.trim() === '') {
    return E.left('missing --data: give the data directory, such as --data ./n0-data, or set "data" in the --config file');
  }

  const peers = parsePeers(values.peers, config.peers);
  if (E.isLeft(peers)) {
    return E.left(`--peers: ${peers.left}`);
  }
  const others = new Map([...peers.right].filter(([peer]) => peer !== idText));

  let logLevel: LoggerLevel;
  try {
    logLevel = parseLogLevel(environment['SHARDCAP_LOG'], 'info');
  } catch (error) {
    return E.left(`SHARDCAP_LOG: ${error instanceof Error ? error.message : String(error)}`);
  }

  const impl = values.impl ?? 'reference';
  if (impl !== 'reference' && !MUTANTS.some((mutant) => `mutant:${mutant.name}` === impl)) {
    return E.left(
      `unknown --impl ${JSON.stringify(impl)}: use reference or mutant:NAME with NAME one of ${MUTANTS.map((mutant) => mutant.name).join(', ')}`,
    );
  }

  return E.right({ id: idText, listen: listen.right, data: resolve(cwd, dataText), peers: others, logLevel, impl });
};

/** The peers of the command line, which replace those of the config file when both are given. */
const parsePeers = (
  flag: string | undefined,
  fromConfig: Readonly<Record<string, string>> | undefined,
): E.Either<string, ReadonlyMap<NodeId, TcpAddress>> => {
  if (flag !== undefined) {
    return parsePeerList(flag);
  }
  return parsePeerEntries(Object.entries(fromConfig ?? {}));
};
