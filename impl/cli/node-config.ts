/**
 * The `--config FILE` of `shardcap node`: a JSON object with any of the fields of the command-line
 * options, for example
 *
 *   { "id": "n0", "listen": "127.0.0.1:7400", "data": "n0-data", "peers": { "n1": "127.0.0.1:7401" } }
 *
 * A relative `data` path is resolved against the directory of the config file, so the file gives
 * the same node wherever the command runs.
 */
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { NODE_CONFIG_BYTES_MAX } from '../limits.ts';

export const NodeConfigCodec = t.partial({
  id: t.string,
  listen: t.string,
  data: t.string,
  /** Listen address `HOST:PORT` of each other node, by node id. */
  peers: t.record(t.string, t.string),
});

export type NodeConfig = t.TypeOf<typeof NodeConfigCodec>;

const CONFIG_FIELDS: ReadonlyArray<string> = Object.keys(NodeConfigCodec.props);

/** Reads and decodes a config file. Returns a message naming the file, the bad field and the fix
 * on the left. */
export const readNodeConfig = async (path: string): Promise<E.Either<string, NodeConfig>> => {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        return E.left(`config file ${path} is not a regular file: give the path of a JSON file`);
      }
      if (stat.size > NODE_CONFIG_BYTES_MAX) {
        return E.left(`config file ${path} has ${stat.size} bytes, more than the ${NODE_CONFIG_BYTES_MAX} a node config can have: check the path`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return E.left(`cannot read config file ${path} (${reason}): check the path and that the file is readable`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return E.left(`config file ${path} is not valid JSON (${reason}): fix the syntax`);
  }

  const decoded = decodeNodeConfig(json);
  if (E.isLeft(decoded)) {
    return E.left(`invalid config file ${path}: ${decoded.left}`);
  }
  const config = decoded.right;
  return E.right(config.data === undefined ? config : { ...config, data: resolve(dirname(path), config.data) });
};

/** Decodes the parsed JSON of a config file. Unknown fields are rejected, because a misspelt
 * field that is silently ignored would leave an option at its default. */
export const decodeNodeConfig = (json: unknown): E.Either<string, NodeConfig> => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return E.left(`expected a JSON object with the fields ${CONFIG_FIELDS.join(', ')}, got ${describe(json)}`);
  }
  const unknown = Object.keys(json).filter((field) => !CONFIG_FIELDS.includes(field));
  if (unknown.length > 0) {
    return E.left(`unknown field ${JSON.stringify(unknown[0])}: use only ${CONFIG_FIELDS.join(', ')}`);
  }

  const decoded = NodeConfigCodec.decode(json);
  if (E.isLeft(decoded)) {
    return E.left(decoded.left.map(describeError).join('; '));
  }
  return E.right(decoded.right);
};

/** Describes one io-ts error by the path of the bad value, the expected type and the value. */
const describeError = (error: t.ValidationError): string => {
  const path = error.context
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .join('.');
  const expected = error.context[error.context.length - 1]?.type.name ?? 'another value';
  const hint = path === 'peers' || path.startsWith('peers.') ? ' (an object from node id to "HOST:PORT")' : '';
  return `field ${path} must be ${expected}${hint}, got ${describe(error.value)}`;
};

const describe = (value: unknown): string => {
  if (value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return value === null || typeof value !== 'object' ? JSON.stringify(value) : 'an object';
};
