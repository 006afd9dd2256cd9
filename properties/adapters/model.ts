/**
 * The model itself as a `CapabilitySystem`: every operation is one atomic model step, tokens are
 * the model's values as JSON, and time advances by one millisecond per operation. It supports
 * crashes only. Running the campaign against it checks the harness: the model must always pass.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Outcome } from '../../impl/client/outcome.ts';
import {
  ALL_RIGHTS,
  initialState,
  nodeId,
  objectId,
  ownerOf,
  referenceModel,
  type Capability,
  type ModelOps,
  type NodeId,
  type Revoker,
  type Rights,
  type State,
} from '../../model/index.ts';
import type {
  CapabilitySystem,
  CreatedObject,
  DerivedCapability,
  FaultKind,
  InvokeAction,
  InvokeResult,
  SentMessage,
  TokenText,
} from '../adapter.ts';
import type { ForgeMutation } from '../history/command.ts';
import { forgedCapability, forgedRevoker } from '../history/forged.ts';

export interface ModelSystemOptions {
  readonly nodes: number;
  readonly clients: number;
  readonly ops?: ModelOps;
}

const UNKNOWN_NODE = nodeId('unknown');

export class ModelSystem implements CapabilitySystem {
  readonly name = 'model';
  readonly nodes: ReadonlyArray<NodeId>;
  readonly clientCount: number;
  readonly supportedFaults: ReadonlySet<FaultKind> = new Set<FaultKind>(['crash']);
  readonly deterministic = true;

  private state: State;
  private time = 0;
  private readonly ops: ModelOps;
  private readonly scheduled: Array<{ readonly atMs: number; readonly action: () => void }> = [];

  constructor(options: ModelSystemOptions) {
    this.nodes = Array.from({ length: options.nodes }, (_, index) => nodeId(`n${index}`));
    this.clientCount = options.clients;
    this.state = initialState(this.nodes);
    this.ops = options.ops ?? referenceModel;
  }

  now(): number {
    return this.time;
  }

  async settle<T>(operation: Promise<T>): Promise<T> {
    return operation;
  }

  at(timeMs: number, action: () => void): void {
    this.scheduled.push({ atMs: timeMs, action });
    this.scheduled.sort((a, b) => a.atMs - b.atMs);
  }

  /** Advances time by one millisecond, running the scheduled actions that came due. */
  private tick(): void {
    this.time += 1;
    while (this.scheduled.length > 0 && (this.scheduled[0]?.atMs ?? Infinity) <= this.time) {
      this.scheduled.shift()?.action();
    }
  }

  private apply<O, R>(result: E.Either<import('../../model/index.ts').Refusal, readonly [State, O]>, map: (output: O) => R): Outcome<R> {
    this.tick();
    if (E.isLeft(result)) {
      return { kind: 'refused', refusal: result.left };
    }
    this.state = result.right[0];
    return { kind: 'ok', value: map(result.right[1]) };
  }

  async create(_client: number, node: NodeId, value: string): Promise<Outcome<CreatedObject>> {
    return this.apply(this.ops.create(this.state, { node, value }), (output) => ({
      object: output.object,
      cap: JSON.stringify(output.cap),
      revoker: JSON.stringify(output.revoker),
    }));
  }

  attenuate(_client: number, cap: TokenText, rights: Rights): Outcome<{ readonly cap: TokenText }> {
    const value = this.inspectCapability(cap);
    if (value === undefined) {
      return { kind: 'invalid', message: 'not a model capability' };
    }
    const result = this.ops.attenuate(this.state, { cap: value, rights });
    return E.isLeft(result) ? { kind: 'refused', refusal: result.left } : { kind: 'ok', value: { cap: JSON.stringify(result.right[1].cap) } };
  }

  async derive(_client: number, cap: TokenText, rights: Rights): Promise<Outcome<DerivedCapability>> {
    const value = this.inspectCapability(cap);
    if (value === undefined) {
      return { kind: 'invalid', message: 'not a model capability' };
    }
    return this.apply(this.ops.derive(this.state, { cap: value, rights }), (output) => ({
      cap: JSON.stringify(output.cap),
      revoker: JSON.stringify(output.revoker),
    }));
  }

  async revoke(_client: number, revoker: TokenText): Promise<Outcome<Readonly<Record<string, never>>>> {
    const value = this.inspectRevoker(revoker);
    if (value === undefined) {
      return { kind: 'invalid', message: 'not a model revoker' };
    }
    return this.apply(this.ops.revoke(this.state, { revoker: value }), () => ({}));
  }

  async invoke(_client: number, cap: TokenText, action: InvokeAction): Promise<Outcome<InvokeResult>> {
    const value = this.inspectCapability(cap);
    if (value === undefined) {
      return { kind: 'invalid', message: 'not a model capability' };
    }
    return this.apply(this.ops.invoke(this.state, { cap: value, action }), (output) => output);
  }

  inspectCapability(cap: TokenText): Capability | undefined {
    try {
      const value = JSON.parse(cap) as Capability;
      return typeof value === 'object' && value !== null && 'caveats' in value ? value : undefined;
    } catch {
      return undefined;
    }
  }

  inspectRevoker(revoker: TokenText): Revoker | undefined {
    try {
      const value = JSON.parse(revoker) as Revoker;
      return typeof value === 'object' && value !== null && 'slot' in value && !('caveats' in value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Model tokens have no MAC, so a forged one gets the negative version that no owner mints. */
  forgeCapability(cap: TokenText, mutation: ForgeMutation): TokenText {
    const value = this.inspectCapability(cap);
    if (value === undefined) {
      return cap;
    }
    const changed: Capability =
      mutation === 'amplify-rights'
        ? { ...value, rights: ALL_RIGHTS }
        : mutation === 'bump-version'
          ? { ...value, version: value.version + 1 }
          : mutation === 'other-slot'
            ? { ...value, slot: value.slot + 1 }
            : mutation === 'unknown-object'
              ? { ...value, object: objectId(ownerOf(value.object), 1_000_000) }
              : { ...value, object: objectId(UNKNOWN_NODE, 0) };
    const text = JSON.stringify(changed);
    return text === cap ? cap : JSON.stringify(forgedCapability(changed));
  }

  forgeRevoker(revoker: TokenText): TokenText {
    const value = this.inspectRevoker(revoker);
    return value === undefined ? revoker : JSON.stringify(forgedRevoker({ ...value, version: value.version + 1 }));
  }

  crash(node: NodeId): void {
    const result = this.ops.crash(this.state, { node });
    if (E.isRight(result)) {
      this.state = result.right[0];
    }
  }

  restart(node: NodeId): void {
    const result = this.ops.restart(this.state, { node });
    if (E.isRight(result)) {
      this.state = result.right[0];
    }
  }

  isUp(node: NodeId): boolean {
    return this.state.nodes.get(node)?.status === 'up';
  }

  partition(): void {
    // The model has no network; partitions are not among its supported faults.
  }

  heal(): void {}

  setNetworkFaults(): void {}

  tearNextCrash(): void {}

  messages(): ReadonlyArray<SentMessage> {
    return [];
  }

  async close(): Promise<void> {}
}
