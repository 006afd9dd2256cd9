/**
 * Start and stop of one owner node on real ports: the data directory, the key file, the record
 * log in a file and a TCP listener.
 */
import * as E from 'fp-ts/lib/Either.js';
import { lockDataDirectory } from '../disk/data-lock.ts';
import { fileError } from '../disk/file-error.ts';
import { FileStorage } from '../disk/file-storage.ts';
import { loadOrCreateNodeKey } from '../disk/node-key.ts';
import { openRecordLog } from '../log/index.ts';
import { formatAddress, type TcpAddress } from '../net/address-book.ts';
import { TcpTransport } from '../net/tcp-transport.ts';
import { ownerBehaviourOf, mutantNamed } from '../../properties/mutants.ts';
import { OwnerNode } from '../owner/owner.ts';
import type { Logger } from '../ports.ts';
import { makeDirectory } from './make-directory.ts';
import type { NodeOptions } from './node-options.ts';

/** Mode of a data directory the node creates: only the owner may list it, because it contains the
 * node's secret key. */
const DATA_DIRECTORY_MODE = 0o700;

export interface RunningNode {
  readonly owner: OwnerNode;
  /** The address the listener bound, with the real port when the options gave port 0. */
  readonly address: TcpAddress;
  /** Stops accepting frames, closes every connection, then syncs and closes the record log.
   * Rejects when the final sync fails. */
  readonly stop: () => Promise<void>;
}

/**
 * Starts an owner node. The owner recovers from the log and sets its frame handler before the
 * listener accepts a connection, so no request reaches a node that is still recovering. Returns
 * a message naming the failed step, the path or address and the fix on the left, after closing
 * whatever it opened.
 */
export const startNode = async (options: NodeOptions, logger: Logger): Promise<E.Either<string, RunningNode>> => {
  try {
    await makeDirectory(options.data, DATA_DIRECTORY_MODE);
  } catch (error) {
    return E.left(fileError(error, options.data, 'create the data directory').message);
  }

  const lock = await lockDataDirectory(options.data, logger);
  if (E.isLeft(lock)) {
    return lock;
  }

  const key = await loadOrCreateNodeKey(options.data, logger);
  if (E.isLeft(key)) {
    await lock.right.release();
    return E.left(key.left.message);
  }

  let storage: FileStorage;
  try {
    storage = await FileStorage.open(options.data);
  } catch (error) {
    await lock.right.release();
    return E.left(error instanceof Error ? error.message : String(error));
  }

  const transport = new TcpTransport({ id: options.id, addresses: options.peers, logger });
  const closeAll = async (): Promise<void> => {
    try {
      await transport.close();
      await storage.close();
    } finally {
      await lock.right.release();
    }
  };

  const mutant = options.impl.startsWith('mutant:') ? mutantNamed(options.impl.slice('mutant:'.length)) : undefined;
  if (mutant !== undefined) {
    logger.warn({ node: options.id, impl: options.impl }, `running a deliberately broken owner: ${mutant.description}`);
  }

  let owner: OwnerNode;
  let address: TcpAddress;
  try {
    owner = await OwnerNode.start(
      { node: options.id, key: key.right.key, openLog: openRecordLog, behaviour: ownerBehaviourOf(mutant) },
      { transport, storage, logger },
    );
    address = await transport.listen(options.listen.host, options.listen.port);
  } catch (error) {
    await closeAll().catch((closeError: unknown) => {
      logger.error({ node: options.id, error: messageOf(closeError) }, 'failed to close the record log after a failed start');
    });
    return E.left(messageOf(error));
  }

  logger.info(
    {
      node: options.id,
      address: formatAddress(address),
      data: options.data,
      objects: owner.shard.objects.size,
      peers: [...options.peers.keys()],
      pid: process.pid,
    },
    'node started',
  );
  return E.right({ owner, address, stop: closeAll });
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
