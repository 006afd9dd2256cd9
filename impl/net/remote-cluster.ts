/**
 * A client of a real cluster: the `Client` of `impl/client/client.ts` over a TCP transport, the
 * process clock and the system's random source. The client only dials, so it needs the nodes'
 * listen addresses and listens on nothing itself.
 */
import { randomBytes } from 'node:crypto';
import { nodeId, type NodeId } from '../../model/index.ts';
import { Client, type ClientOptions } from '../client/client.ts';
import { noopLogger, type Logger } from '../ports.ts';
import { addressBook, type AddressBook, type TcpAddress } from './address-book.ts';
import { CryptoRandom } from './crypto-random.ts';
import { RealClock } from './real-clock.ts';
import { TcpTransport } from './tcp-transport.ts';

export interface RemoteClusterOptions {
  /** Listen address of every node of the cluster, by node id. */
  readonly nodes: AddressBook | Readonly<Record<string, TcpAddress>>;
  /**
   * Endpoint id of the client, which prefixes its request ids. A node returns its stored result for a
   * request id it has completed, so the id must differ from that of every other client, earlier
   * runs of this one included. A random id `client-<16 hex digits>` unless set.
   */
  readonly clientId?: string;
  /** Receives the log entries of the client and its transport; none are kept unless set. */
  readonly logger?: Logger;
  /** Per-request deadline, in milliseconds; REQUEST_DEADLINE_MS unless set. */
  readonly deadlineMs?: number;
}

export class RemoteCluster {
  readonly client: Client;
  readonly nodes: ReadonlyArray<NodeId>;
  readonly transport: TcpTransport;

  private constructor(client: Client, nodes: ReadonlyArray<NodeId>, transport: TcpTransport) {
    this.client = client;
    this.nodes = nodes;
    this.transport = transport;
  }

  /**
   * Builds a client for the nodes in `options.nodes`. Nothing is dialed until the first request
   * to a node. Throws a RangeError on an invalid node id, host or port, because the address book
   * is configuration.
   */
  static connect(options: RemoteClusterOptions): RemoteCluster {
    const book = addressBook(options.nodes);
    const nodes = [...book.keys()].map(nodeId);
    const id = options.clientId ?? `client-${randomBytes(8).toString('hex')}`;
    const logger = options.logger ?? noopLogger;

    const transport = new TcpTransport({ id, addresses: book, logger });
    const clientOptions: ClientOptions = {
      id,
      nodes,
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    };
    const client = new Client({ clock: new RealClock(), random: new CryptoRandom(), transport, logger }, clientOptions);
    return new RemoteCluster(client, nodes, transport);
  }

  /** Closes every connection. Requests still pending end as indeterminate at their deadline,
   * because their frames are dropped. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
