/** The reference implementation on the deterministic simulator, as a `CapabilitySystem`. */
import * as E from 'fp-ts/lib/Either.js';
import type { Client } from '../../impl/client/client.ts';
import { SimCluster, type SimClusterOptions } from '../../impl/sim/cluster.ts';
import {
  CapabilityTokenCodec,
  encodeToken,
  RevokerTokenCodec,
  tokenToCapability,
  tokenToRevoker,
} from '../../impl/token/index.ts';
import { nodeId, objectId, ownerOf, rightsOf, ALL_RIGHTS, type NodeId } from '../../model/index.ts';
import type { CapabilitySystem, FaultKind, NetworkFaultRates, SentMessage, TokenText } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import { ownerBehaviourOf, type Mutant } from '../mutants.ts';

const decoder = new TextDecoder();

/** Pulls the request id out of a frame without a full decode; `null` when there is none. */
const requestIdOf = (frame: Uint8Array): string | null => {
  const match = /"id":"([^"]{1,64})"/.exec(decoder.decode(frame.subarray(0, 256)));
  return match?.[1] ?? null;
};

const UNKNOWN_NODE = nodeId('unknown');

export class ReferenceSystem implements CapabilitySystem {
  readonly name: string;
  readonly nodes: ReadonlyArray<NodeId>;
  readonly clientCount: number;
  readonly supportedFaults: ReadonlySet<FaultKind> = new Set<FaultKind>(['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk']);
  readonly deterministic = true;
  readonly cluster: SimCluster;

  private readonly sent: SentMessage[] = [];
  private readonly tearing = new Set<NodeId>();

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

  inspectCapability(cap: TokenText) {
    const decoded = CapabilityTokenCodec.decode(cap);
    return E.isLeft(decoded) ? undefined : tokenToCapability(decoded.right);
  }

  inspectRevoker(revoker: TokenText) {
    const decoded = RevokerTokenCodec.decode(revoker);
    return E.isLeft(decoded) ? undefined : tokenToRevoker(decoded.right);
  }

  forgeCapability(cap: TokenText, mutation: ForgeMutation): TokenText {
    const decoded = CapabilityTokenCodec.decode(cap);
    if (E.isLeft(decoded)) {
      return cap;
    }
    const token = decoded.right;
    switch (mutation) {
      case 'amplify-rights':
        return encodeToken({ ...token, rights: rightsOf(...ALL_RIGHTS) });
      case 'bump-version':
        return encodeToken({ ...token, version: token.version + 1 });
      case 'other-slot':
        return encodeToken({ ...token, slot: token.slot + 1 });
      case 'unknown-object':
        return encodeToken({ ...token, object: objectId(ownerOf(token.object), 1_000_000) });
      case 'unknown-node':
        return encodeToken({ ...token, object: objectId(UNKNOWN_NODE, 0) });
    }
  }

  forgeRevoker(revoker: TokenText): TokenText {
    const decoded = RevokerTokenCodec.decode(revoker);
    return E.isLeft(decoded) ? revoker : encodeToken({ ...decoded.right, version: decoded.right.version + 1 });
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
