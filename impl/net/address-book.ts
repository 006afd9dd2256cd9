/** The static address book of a TCP transport: the listen address of each endpoint that has one. */
import { checkEndpointId } from '../sim/network.ts';

/** Host and port of a listener. */
export interface TcpAddress {
  readonly host: string;
  readonly port: number;
}

/** Listen addresses by endpoint id. Clients usually have none, because a node sends responses on
 * the connection that the client opened. */
export type AddressBook = ReadonlyMap<string, TcpAddress>;

/** Default listen host: loopback only, so that nothing is reachable from other machines unless
 * a host is chosen explicitly. */
export const LOOPBACK_HOST = '127.0.0.1';

const PORT_MAX = 65_535;

/** Copies and validates an address book. Throws a RangeError naming the first invalid endpoint
 * id, host or port, because the book is configuration. Port 0 is rejected, because a dial needs
 * the port a listener actually bound. */
export const addressBook = (
  entries: AddressBook | Readonly<Record<string, TcpAddress>>,
): AddressBook => {
  const pairs = entries instanceof Map ? [...entries.entries()] : Object.entries(entries);
  const book = new Map<string, TcpAddress>();

  for (const [id, address] of pairs) {
    checkEndpointId(id);
    if (address.host === '') {
      throw new RangeError(`address of endpoint ${id} has an empty host: use a host name or IP address`);
    }
    if (!(Number.isInteger(address.port) && address.port >= 1 && address.port <= PORT_MAX)) {
      throw new RangeError(`address of endpoint ${id} has invalid port ${address.port}: use an integer from 1 to ${PORT_MAX}`);
    }
    book.set(id, { host: address.host, port: address.port });
  }
  return book;
};

/** Formats an address as `host:port`, with brackets around an IPv6 host. */
export const formatAddress = (address: TcpAddress): string =>
  address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
