/** The reference implementation on the deterministic simulator, as a `CapabilitySystem`. */
import type { Client } from '../../impl/client/client.ts';
import { SimCluster, type SimClusterOptions } from '../../impl/sim/cluster.ts';
import type { Capability, NodeId, Revoker } from '../../model/index.ts';
import type { CapabilitySystem, FaultKind, NetworkFaultRates, SentMessage, TokenText } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import { ownerBehaviourOf, type Mutant } from '../mutants.ts';
import { requestIdOf } from './request-id.ts';
import { forgeReferenceCapability, forgeReferenceRevoker, inspectReferenceCapability, inspectReferenceRevoker } from './tokens.ts';

export class ReferenceSystem implements CapabilitySystem {
  readonly name: string;
  readonly nodes: ReadonlyArray<NodeId>;
  readonly clientCount: number;
  readonly supportedFaults: ReadonlySet<FaultKind> = new Set<FaultKind>(['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk']);
  readonly deterministic = true;
  readonly cluster: SimCluster;

  private readonly sent: SentMessage[] = [];
  private readonly tearing = new Set<NodeId>();
  /** Model values of the tokens inspected so far, `undefined` for text that is not one. A recorded
   * run reads each token several times, and the values are immutable, so one serves every read. */
  private readonly inspectedCapabilities = new Map<TokenText, Capability | undefined>();
  private readonly inspectedRevokers = new Map<TokenText, Revoker | undefined>();

  constructor(options: SimClusterOptions & { readonly mutant?: Mutant }) {
    const mutant = options.mutant;
    this.cluster = new SimCluster({
      ...options,
      ...(mutant === undefined ? {} : { ownerBehaviour: ownerBehaviourOf(mutant) }),
      ...(mutant?.client === undefined ? {} : { clientOptions: mutant.client }),
    });
    this.name = mutant === undefined ? 'reference' : `mutant:${mutant.name}`;
    this.nodes = this.cluster.nodeIds;
    this.clientCount = this.cluster.clients.length;
    this.cluster.world.network.observeSends((sent) => {
      this.sent.push({ timeMs: sent.timeMs, from: sent.from, to: sent.to, requestId: requestIdOf(sent.frame) });
    });
  }

  now(): number {
    return this.cluster.world.clock.now();
  }

  settle<T>(operation: Promise<T>): Promise<T> {
    return this.cluster.run(operation);
  }

  at(timeMs: number, action: () => void): void {
    this.cluster.world.clock.setTimerAt(Math.max(timeMs, this.now()), action);
  }

  private client(index: number): Client {
    const client = this.cluster.clients[index];
    if (client === undefined) {
      throw new RangeError(`no client ${index}: this system has clients 0 to ${this.clientCount - 1}`);
    }
    return client;
  }

  create(client: number, node: NodeId, value: string) {
    return this.client(client).create(node, value);
  }

  attenuate(client: number, cap: TokenText, rights: Parameters<Client['attenuate']>[1]) {
    return this.client(client).attenuate(cap, rights);
  }

  derive(client: number, cap: TokenText, rights: Parameters<Client['derive']>[1]) {
    return this.client(client).derive(cap, rights);
  }

  revoke(client: number, revoker: TokenText) {
    return this.client(client).revoke(revoker);
  }

  invoke(client: number, cap: TokenText, action: Parameters<Client['invoke']>[1]) {
    return this.client(client).invoke(cap, action);
  }

  inspectCapability(cap: TokenText): Capability | undefined {
    if (this.inspectedCapabilities.has(cap)) {
      return this.inspectedCapabilities.get(cap);
    }
    const value = inspectReferenceCapability(cap);
    this.inspectedCapabilities.set(cap, value);
    return value;
  }

  inspectRevoker(revoker: TokenText): Revoker | undefined {
    if (this.inspectedRevokers.has(revoker)) {
      return this.inspectedRevokers.get(revoker);
    }
    const value = inspectReferenceRevoker(revoker);
    this.inspectedRevokers.set(revoker, value);
    return value;
  }

  forgeCapability(cap: TokenText, mutation: ForgeMutation): TokenText {
    return forgeReferenceCapability(cap, mutation);
  }

  forgeRevoker(revoker: TokenText): TokenText {
    return forgeReferenceRevoker(revoker);
  }

  crash(node: NodeId): void {
    if (!this.cluster.isUp(node)) {
      return;
    }
    const disk = this.cluster.world.disk(node);
    const tear = this.tearing.delete(node);
    if (tear) {
      disk.setFaults({ tornWriteRate: 1 });
    }
    this.cluster.crash(node);
    if (tear) {
      disk.setFaults({ tornWriteRate: 0 });
    }
  }

  restart(node: NodeId): void {
    if (!this.cluster.isUp(node)) {
      this.cluster.restart(node);
    }
  }

  isUp(node: NodeId): boolean {
    return this.cluster.isUp(node);
  }

  partition(from: string, to: string): void {
    this.cluster.world.network.partition(from, to);
  }

  heal(): void {
    this.cluster.world.network.heal();
  }

  setNetworkFaults(rates: NetworkFaultRates): void {
    this.cluster.world.network.setFaults({
      dropRate: rates.dropRate,
      duplicateRate: rates.duplicateRate,
      delayMsMin: Math.min(0.5, rates.delayMsMax),
      delayMsMax: rates.delayMsMax,
    });
  }

  tearNextCrash(node: NodeId): void {
    this.tearing.add(node);
  }

  messages(): ReadonlyArray<SentMessage> {
    return this.sent;
  }

  async close(): Promise<void> {
    // Nothing outlives the simulator.
  }
}

/** The reference system (or one of its mutants) sized for one generated history, with its own seed. */
export const referenceSystemFor = (
  history: { readonly seed: number; readonly nodeCount: number; readonly clientCount: number },
  mutant?: Mutant,
): ReferenceSystem =>
  new ReferenceSystem({
    seed: history.seed,
    nodes: history.nodeCount,
    clients: history.clientCount,
    disk: { tornWriteRate: 0 },
    ...(mutant === undefined ? {} : { mutant }),
  });
