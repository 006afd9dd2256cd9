/**
 * The reference implementation as a local cluster of real `shardcap node` processes, as a
 * `CapabilitySystem`. Clients run in this process, each with its own TCP transport, and the
 * faults are real: `kill -9` and restart of a node process, SIGSTOP and SIGCONT, and closed
 * connections. Timing comes from the operating system, so a run is not reproducible.
 *
 * Only the clients' side of the network is observed: every frame a client sends or receives is
 * recorded, and frames between nodes are not.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '../../impl/client/client.ts';
import type { LocalCluster } from '../../impl/cli/local-cluster.ts';
import { CryptoRandom } from '../../impl/net/crypto-random.ts';
import { RealClock } from '../../impl/net/real-clock.ts';
import { TcpTransport } from '../../impl/net/tcp-transport.ts';
import { noopLogger, type FrameHandler, type Logger, type Transport } from '../../impl/ports.ts';
import type { NodeId, Rights } from '../../model/index.ts';
import { CLUSTER_FAULT_KINDS, type CapabilitySystem, type FaultKind, type InvokeAction, type SentMessage, type TokenText } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import type { Mutant } from '../mutants.ts';
import { requestIdOf } from './request-id.ts';
import { forgeReferenceCapability, forgeReferenceRevoker, inspectReferenceCapability, inspectReferenceRevoker } from './tokens.ts';

export interface ClusterSystemOptions {
  readonly cluster: LocalCluster;
  readonly clients: number;
  /** The mutant the nodes run, whose client part (if any) the clients take. */
  readonly mutant?: Mutant;
  /** Receives the clients' and transports' log entries; none are kept unless set. */
  readonly logger?: Logger;
  /** Name for reports, for nodes of another implementation; `reference` or the mutant's name unless set. */
  readonly name?: string;
}

/**
 * A transport that records every frame it sends and receives. Request ids go into the record
 * with the client's unique prefix replaced by `c<index>`, the numbering the recorder uses.
 */
class RecordingTransport implements Transport {
  constructor(
    private readonly inner: TcpTransport,
    private readonly label: string,
    private readonly record: (message: SentMessage) => void,
    private readonly now: () => number,
  ) {}

  send(to: string, frame: Uint8Array): void {
    this.record({ timeMs: this.now(), from: this.label, to, requestId: this.requestId(frame) });
    this.inner.send(to, frame);
  }

  onFrame(handler: FrameHandler): void {
    this.inner.onFrame((from, frame) => {
      this.record({ timeMs: this.now(), from, to: this.label, requestId: this.requestId(frame) });
      handler(from, frame);
    });
  }

  private requestId(frame: Uint8Array): string | null {
    const id = requestIdOf(frame);
    const prefix = `${this.inner.id}:`;
    return id !== null && id.startsWith(prefix) ? `${this.label}:${id.slice(prefix.length)}` : id;
  }
}

export class ClusterSystem implements CapabilitySystem {
  readonly name: string;
  readonly nodes: ReadonlyArray<NodeId>;
  readonly clientCount: number;
  readonly supportedFaults: ReadonlySet<FaultKind> = new Set(CLUSTER_FAULT_KINDS);
  readonly deterministic = false;

  private readonly cluster: LocalCluster;
  private readonly clients: ReadonlyArray<Client>;
  private readonly transports: ReadonlyArray<TcpTransport>;
  private readonly sent: SentMessage[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly origin = performance.now();
  /** Set by `abort`: the run is being given up, so it no longer restarts or waits for nodes. */
  private aborted = false;

  constructor(options: ClusterSystemOptions) {
    this.cluster = options.cluster;
    this.nodes = options.cluster.ids;
    this.clientCount = options.clients;
    this.name = options.name ?? (options.mutant === undefined ? 'reference' : `mutant:${options.mutant.name}`);
    const logger = options.logger ?? noopLogger;
    // The nodes keep the ids of completed requests for good, so every run needs new client ids.
    const run = randomBytes(6).toString('hex');
    const addresses = options.cluster.addresses();
    this.transports = Array.from(
      { length: options.clients },
      (_, index) => new TcpTransport({ id: `k${run}-c${index}`, addresses, logger }),
    );
    this.clients = this.transports.map(
      (transport, index) =>
        new Client(
          {
            clock: new RealClock(),
            random: new CryptoRandom(),
            transport: new RecordingTransport(transport, `c${index}`, (message) => this.sent.push(message), () => this.now()),
            logger,
          },
          { id: transport.id, nodes: this.nodes, ...options.mutant?.client },
        ),
    );
  }

  /** Milliseconds since this system was built. */
  now(): number {
    return performance.now() - this.origin;
  }

  settle<T>(operation: Promise<T>): Promise<T> {
    return operation;
  }

  at(timeMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, Math.max(0, timeMs - this.now()));
    this.timers.add(timer);
  }

  private client(index: number): Client {
    const client = this.clients[index];
    if (client === undefined) {
      throw new RangeError(`no client ${index}: this system has clients 0 to ${this.clientCount - 1}`);
    }
    return client;
  }

  create(client: number, node: NodeId, value: string) {
    return this.client(client).create(node, value);
  }

  attenuate(client: number, cap: TokenText, rights: Rights) {
    return this.client(client).attenuate(cap, rights);
  }

  derive(client: number, cap: TokenText, rights: Rights) {
    return this.client(client).derive(cap, rights);
  }

  revoke(client: number, revoker: TokenText) {
    return this.client(client).revoke(revoker);
  }

  invoke(client: number, cap: TokenText, action: InvokeAction) {
    return this.client(client).invoke(cap, action);
  }

  inspectCapability(cap: TokenText) {
    return inspectReferenceCapability(cap);
  }

  inspectRevoker(revoker: TokenText) {
    return inspectReferenceRevoker(revoker);
  }

  forgeCapability(cap: TokenText, mutation: ForgeMutation): TokenText {
    return forgeReferenceCapability(cap, mutation);
  }

  forgeRevoker(revoker: TokenText): TokenText {
    return forgeReferenceRevoker(revoker);
  }

  crash(node: NodeId): void {
    this.cluster.kill(node);
  }

  restart(node: NodeId): void {
    if (!this.aborted) {
      this.cluster.restart(node);
    }
  }

  isUp(node: NodeId): boolean {
    return this.cluster.isUp(node);
  }

  pause(node: NodeId): boolean {
    return this.cluster.pause(node);
  }

  resume(node: NodeId): boolean {
    return this.aborted ? false : this.cluster.resume(node);
  }

  disconnect(client: number, node: NodeId): void {
    const transport = this.transports[client];
    if (transport === undefined) {
      throw new RangeError(`no client ${client}: this system has clients 0 to ${this.clientCount - 1}`);
    }
    transport.disconnect(node);
  }

  whenUp(): Promise<void> {
    return this.aborted ? Promise.resolve() : this.cluster.whenUp();
  }

  partition(from: string, to: string): void {
    throw new Error(`cannot partition ${from} from ${to}: a local cluster has no partitions; leave partition out of its faults`);
  }

  heal(): void {
    // Nothing to heal: a local cluster has no partitions.
  }

  setNetworkFaults(): void {
    // Loopback TCP neither drops, duplicates nor delays on request; the recorder sets zero rates.
  }

  tearNextCrash(node: NodeId): void {
    throw new Error(`cannot tear the next crash of ${node}: a kill -9 leaves whatever the node wrote; leave disk out of the faults`);
  }

  messages(): ReadonlyArray<SentMessage> {
    return this.sent;
  }

  /**
   * Gives up the run in progress, so that it ends at once instead of waiting out the clients'
   * deadlines: cancels pending faults, finishes every pending and later operation as
   * indeterminate, and stops restarting and waiting for nodes. Such a run must not be checked.
   */
  abort(reason: string): void {
    this.aborted = true;
    this.clearFaults();
    for (const client of this.clients) {
      client.close(reason);
    }
  }

  private clearFaults(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }

  /** Cancels pending faults and closes the clients' connections. The cluster keeps running. */
  async close(): Promise<void> {
    this.clearFaults();
    await Promise.all(this.transports.map((transport) => transport.close()));
  }
}
