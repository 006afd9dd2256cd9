/**
 * The interface any implementation plugs into to be checked by shardcap: the model's operations
 * as asynchronous calls on opaque tokens, plus the fault controls the implementation supports.
 * The property suite and the command-line checker are written once against it. The reference
 * implementation on the simulator and the model itself are the first two adapters.
 */
import type { Outcome } from '../impl/client/outcome.ts';
import type { Capability, NodeId, ObjectId, Revoker, Rights } from '../model/index.ts';
import type { ForgeMutation } from './history/command.ts';

/** A token as the system under test hands it out; shardcap never looks inside except through `inspect*`. */
export type TokenText = string;

export type FaultKind = 'crash' | 'partition' | 'drop' | 'duplicate' | 'delay' | 'disk' | 'pause' | 'disconnect';

/** Every fault kind, in the order reports list them. */
export const FAULT_KINDS: ReadonlyArray<FaultKind> = ['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk', 'pause', 'disconnect'];

/** Fault kinds the deterministic simulator injects. */
export const SIMULATOR_FAULT_KINDS: ReadonlyArray<FaultKind> = ['crash', 'partition', 'drop', 'duplicate', 'delay', 'disk'];

/** Fault kinds a local cluster of real processes injects: `kill -9` and restart, `SIGSTOP` and
 * `SIGCONT`, and closed TCP connections. */
export const CLUSTER_FAULT_KINDS: ReadonlyArray<FaultKind> = ['crash', 'pause', 'disconnect'];

export interface NetworkFaultRates {
  /** Probability that a message is lost, from 0 to 1. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice, from 0 to 1. */
  readonly duplicateRate: number;
  /** Largest delivery delay, in milliseconds; delays are drawn between 0.5 ms and this. */
  readonly delayMsMax: number;
}

/** One message as its sender handed it to the network. */
export interface SentMessage {
  readonly timeMs: number;
  readonly from: string;
  readonly to: string;
  /** Id of the request the message belongs to, when the adapter can tell. */
  readonly requestId: string | null;
}

export interface CreatedObject {
  readonly object: ObjectId;
  readonly cap: TokenText;
  readonly revoker: TokenText;
}

export interface DerivedCapability {
  readonly cap: TokenText;
  readonly revoker: TokenText;
}

export type InvokeAction = { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: string };

export type InvokeResult = { readonly kind: 'read'; readonly value: string } | { readonly kind: 'write' };

export interface CapabilitySystem {
  /** Short name for reports, such as `reference` or `mutant:skip-version-check`. */
  readonly name: string;
  readonly nodes: ReadonlyArray<NodeId>;
  /** Clients are numbered from 0; each issues one operation at a time. */
  readonly clientCount: number;
  readonly supportedFaults: ReadonlySet<FaultKind>;
  /** True when one seed reproduces a run exactly. */
  readonly deterministic: boolean;

  /** Current time in milliseconds, simulated or real. */
  now(): number;
  /** Runs the system until `operation` settles and returns its result. */
  settle<T>(operation: Promise<T>): Promise<T>;
  /** Calls `action` when the system's time reaches `timeMs`. */
  at(timeMs: number, action: () => void): void;

  create(client: number, node: NodeId, value: string): Promise<Outcome<CreatedObject>>;
  /** Offline: sends nothing. */
  attenuate(client: number, cap: TokenText, rights: Rights): Outcome<{ readonly cap: TokenText }>;
  derive(client: number, cap: TokenText, rights: Rights): Promise<Outcome<DerivedCapability>>;
  revoke(client: number, revoker: TokenText): Promise<Outcome<Readonly<Record<string, never>>>>;
  invoke(client: number, cap: TokenText, action: InvokeAction): Promise<Outcome<InvokeResult>>;

  /** The model's value of a capability token, or `undefined` for text that is not a token. */
  inspectCapability(cap: TokenText): Capability | undefined;
  inspectRevoker(revoker: TokenText): Revoker | undefined;
  /** Returns a token that differs from `cap` by the given mutation, which the owner must reject. */
  forgeCapability(cap: TokenText, mutation: ForgeMutation): TokenText;
  forgeRevoker(revoker: TokenText): TokenText;

  crash(node: NodeId): void;
  restart(node: NodeId): void;
  isUp(node: NodeId): boolean;
  /** Blocks messages from `from` to `to` (one way); endpoints are node ids or `c<index>` for clients. */
  partition(from: string, to: string): void;
  heal(): void;
  setNetworkFaults(rates: NetworkFaultRates): void;
  /** Makes the next crash of `node` keep a torn prefix of its unsynced log bytes. */
  tearNextCrash(node: NodeId): void;
  /** Freezes a running `node` with its state intact, as `SIGSTOP` does, so requests to it wait.
   * Returns false, and does nothing, when the node is down or already paused. Required when
   * `supportedFaults` has `pause`. */
  pause?(node: NodeId): boolean;
  /** Lets a paused node run again. Returns false, and does nothing, when the node is not paused. */
  resume?(node: NodeId): boolean;
  /** Closes the connections between client `client` and `node`; the client reconnects on its
   * next request. Required when `supportedFaults` has `disconnect`. */
  disconnect?(client: number, node: NodeId): void;
  /** Resolves once every node that `restart` started accepts requests again. Systems whose
   * restart is immediate may leave it out. */
  whenUp?(): Promise<void>;

  /** Every message sent so far. */
  messages(): ReadonlyArray<SentMessage>;
  /** Releases whatever the system holds (processes, sockets, files). */
  close(): Promise<void>;
}
