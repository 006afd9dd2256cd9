/** The reference implementation on the deterministic simulator, as a `CapabilitySystem`. */
import type { Client } from '../../impl/client/client.ts';
import { SimCluster, type SimClusterOptions } from '../../impl/sim/cluster.ts';
import type { Capability, NodeId, Revoker } from '../../model/index.ts';
import type { CapabilitySystem, FaultKind, NetworkFaultRates, SentMessage, TokenText } from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import { ownerBehaviourOf, type Mutant } from '../mutants.ts';
import { forgeReferenceCapability, forgeReferenceRevoker, inspectReferenceCapability, inspectReferenceRevoker } from './tokens.ts';

const decoder = new TextDecoder();

/** Bytes at the start of a frame that are searched for the request id. */
const REQUEST_ID_SEARCH_BYTES = 256;

/** Maximum length of a request id taken from a frame, in characters. */
const REQUEST_ID_LENGTH_MAX = 64;

/** `"id":"` in ASCII. */
const ID_KEY = [0x22, 0x69, 0x64, 0x22, 0x3a, 0x22];

const QUOTE = 0x22;

/**
 * Pulls the request id out of a frame without a full decode: the first `"id":"<id>"`, with 1 to
 * REQUEST_ID_LENGTH_MAX characters and no quote in the id, that ends within the frame's first
 * REQUEST_ID_SEARCH_BYTES bytes. Returns `null` when there is none. The adapter runs this on every
 * frame sent, so it scans bytes and decodes text only in the cases the scan leaves open.
 */
const requestIdOf = (frame: Uint8Array): string | null => {
  const end = Math.min(frame.length, REQUEST_ID_SEARCH_BYTES);
  const keyAt = indexOfBytes(frame, ID_KEY, end);
  if (keyAt === -1) {
    // UTF-8 decoding makes these ASCII characters only from these bytes, so the text lacks them too.
    return null;
  }

  const start = keyAt + ID_KEY.length;
  let id = '';
  for (let index = start; index < end && index - start <= REQUEST_ID_LENGTH_MAX; index++) {
    const byte = frame[index] as number;
    if (byte === QUOTE) {
      return index === start ? requestIdOfText(frame) : id;
    }
    if (byte >= 0x80) {
      // A character of more than one byte: the text search counts characters as the regex does.
      return requestIdOfText(frame);
    }
    id += String.fromCharCode(byte);
  }
  return requestIdOfText(frame);
};

/** Runs the same search on the decoded text, for the frames that the byte scan cannot settle. */
const requestIdOfText = (frame: Uint8Array): string | null => {
  const match = /"id":"([^"]{1,64})"/.exec(decoder.decode(frame.subarray(0, REQUEST_ID_SEARCH_BYTES)));
  return match?.[1] ?? null;
};

/** Returns the index of the first occurrence of `pattern` that ends at or before `end`, or -1. */
const indexOfBytes = (bytes: Uint8Array, pattern: ReadonlyArray<number>, end: number): number => {
  for (let index = 0; index + pattern.length <= end; index++) {
    let matched = 0;
    while (matched < pattern.length && bytes[index + matched] === pattern[matched]) {
      matched++;
    }
    if (matched === pattern.length) {
      return index;
    }
  }
  return -1;
};

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
