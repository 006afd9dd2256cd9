/**
 * The line `shardcap node` prints on stdout once it listens, which `shardcap cluster` and scripts
 * read to learn the bound address and the process id:
 *
 *   n0 listening on 127.0.0.1:7400 pid 4242 objects 3 data /var/lib/shardcap/n0
 *
 * The data directory comes last, so that a path with spaces still parses.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { NodeId } from '../../model/index.ts';
import { formatAddress, type TcpAddress } from '../net/address-book.ts';
import { parseHostPort } from './host-port.ts';

export interface ReadyLine {
  readonly id: string;
  readonly address: TcpAddress;
  readonly pid: number;
  /** Objects recovered from the record log at start. */
  readonly objects: number;
  readonly data: string;
}

const READY_LINE = /^(\S+) listening on (\S+) pid ([0-9]+) objects ([0-9]+) data (.+)$/;

export const formatReadyLine = (line: ReadyLine & { readonly id: NodeId }): string =>
  `${line.id} listening on ${formatAddress(line.address)} pid ${line.pid} objects ${line.objects} data ${line.data}`;

/** Parses a ready line; returns `undefined` for any other line. */
export const parseReadyLine = (text: string): ReadyLine | undefined => {
  const match = READY_LINE.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, id, addressText, pidText, objectsText, data] = match;
  if (id === undefined || addressText === undefined || pidText === undefined || objectsText === undefined || data === undefined) {
    return undefined;
  }
  const address = parseHostPort(addressText, { allowPortZero: false });
  if (E.isLeft(address)) {
    return undefined;
  }
  return { id, address: address.right, pid: Number(pidText), objects: Number(objectsText), data };
};
