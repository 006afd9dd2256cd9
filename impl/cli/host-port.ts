/** Parsing of `HOST:PORT` addresses and `ID=HOST:PORT,...` peer lists in command-line options. */
import * as E from 'fp-ts/lib/Either.js';
import { isNodeId, type NodeId } from '../../model/index.ts';
import { formatAddress, LOOPBACK_HOST, type TcpAddress } from '../net/address-book.ts';

const PORT_MAX = 65_535;

/** `[IPv6]:PORT`, `HOST:PORT`, `:PORT` or `PORT`. A bare IPv6 address needs the brackets, because
 * its colons would otherwise be ambiguous with the port separator. */
const BRACKETED = /^\[([^\]]+)\]:([^:]*)$/;
const HOST_AND_PORT = /^([^:[\]]*):([^:]*)$/;
const PORT_ONLY = /^[0-9]+$/;

export interface HostPortRules {
  /** Whether port 0 (a free port chosen by the system when listening) is valid. */
  readonly allowPortZero: boolean;
}

/**
 * Parses `text` as a TCP address. The host defaults to 127.0.0.1 when `text` is a bare port or
 * starts with a colon, so that a node listens on all interfaces only when that host is given explicitly. Returns a
 * message that names the text and the expected form on the left.
 */
export const parseHostPort = (text: string, rules: HostPortRules): E.Either<string, TcpAddress> => {
  const trimmed = text.trim();
  const bracketed = BRACKETED.exec(trimmed);
  const plain = bracketed === null ? HOST_AND_PORT.exec(trimmed) : null;

  let host: string;
  let portText: string;
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? '';
  } else if (plain !== null) {
    host = plain[1] === '' || plain[1] === undefined ? LOOPBACK_HOST : plain[1];
    portText = plain[2] ?? '';
  } else if (PORT_ONLY.test(trimmed)) {
    host = LOOPBACK_HOST;
    portText = trimmed;
  } else {
    return E.left(
      `invalid address ${JSON.stringify(text)}: use HOST:PORT (such as 127.0.0.1:7400), [IPv6]:PORT (such as [::1]:7400) or a bare PORT for 127.0.0.1`,
    );
  }

  const portMin = rules.allowPortZero ? 0 : 1;
  const port = Number(portText);
  if (!PORT_ONLY.test(portText) || !Number.isSafeInteger(port) || port < portMin || port > PORT_MAX) {
    return E.left(`invalid port ${JSON.stringify(portText)} in address ${JSON.stringify(text)}: use an integer from ${portMin} to ${PORT_MAX}`);
  }
  return E.right({ host, port });
};

/**
 * Parses a peer list `ID=HOST:PORT,ID=HOST:PORT,...`. Each id must be a node id, listed once.
 * Peers are dialed, so port 0 is invalid. An empty text is an empty list.
 */
export const parsePeerList = (text: string): E.Either<string, ReadonlyMap<NodeId, TcpAddress>> => {
  const entries: Array<readonly [string, string]> = [];
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') {
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (equals < 0) {
      return E.left(`invalid peer ${JSON.stringify(trimmed)}: use ID=HOST:PORT, such as n1=127.0.0.1:7401`);
    }
    entries.push([trimmed.slice(0, equals).trim(), trimmed.slice(equals + 1).trim()]);
  }
  return parsePeerEntries(entries);
};

/** Validates peer ids and addresses given as pairs, from a peer list or a config file. */
export const parsePeerEntries = (
  entries: ReadonlyArray<readonly [string, string]>,
): E.Either<string, ReadonlyMap<NodeId, TcpAddress>> => {
  const peers = new Map<NodeId, TcpAddress>();
  for (const [id, addressText] of entries) {
    if (!isNodeId(id)) {
      return E.left(
        `invalid peer id ${JSON.stringify(id)}: use 1 to 32 lowercase letters, digits or dashes, starting with a letter or digit`,
      );
    }
    if (peers.has(id)) {
      return E.left(`peer ${id} is listed twice: list each peer once`);
    }
    const address = parseHostPort(addressText, { allowPortZero: false });
    if (E.isLeft(address)) {
      return E.left(`peer ${id}: ${address.left}`);
    }
    peers.set(id, address.right);
  }
  return E.right(peers);
};

/** Formats a peer list in the form `parsePeerList` reads. */
export const formatPeerList = (peers: ReadonlyMap<string, TcpAddress>): string =>
  [...peers.entries()].map(([id, address]) => `${id}=${formatAddress(address)}`).join(',');
