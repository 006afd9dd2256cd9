/**
 * The client library: the model's operations as async calls on tokens. Attenuation happens here,
 * offline; every other operation is one request to the object's owner, retried with backoff under
 * a deadline. The owner applies a retried request once, so retrying is always safe.
 */
import * as E from 'fp-ts/lib/Either.js';
import { ownerOf, unknownNode, type NodeId, type ObjectId, type Rights } from '../../model/index.ts';
import { REQUEST_DEADLINE_MS, RETRY_DELAY_MS_MAX, RETRY_DELAY_MS_MIN } from '../limits.ts';
import type { Clock, Logger, Random, Transport } from '../ports.ts';
import {
  attenuateToken,
  CapabilityTokenCodec,
  encodeToken,
  RevokerTokenCodec,
  tokenErrorMessages,
} from '../token/index.ts';
import { decodeFrame, encodeFrame } from '../wire/frame.ts';
import { WIRE_VERSION, type RequestBody, type WireOutput } from '../wire/messages.ts';
import { InFlightRequest, type RequestContext } from './in-flight.ts';
import { invalidInput, ok, refusedWith, type Outcome } from './outcome.ts';

export interface ClientPorts {
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly logger: Logger;
}

export interface ClientOptions {
  /** Unique in the cluster; request ids are `<id>:<sequence>`. */
  readonly id: string;
  /** Every node of the cluster. A token whose owner is not listed is refused as UnknownNode. */
  readonly nodes: ReadonlyArray<NodeId>;
  readonly deadlineMs?: number;
  readonly retryDelayMsMin?: number;
  readonly retryDelayMsMax?: number;
  /** Offline attenuation; the reference one unless a checker mutant replaces it. */
  readonly attenuateToken?: typeof attenuateToken;
  /** Sends derive and revoke requests to this node instead of the owner; set only by a checker mutant. */
  readonly metadataNode?: NodeId;
}

export type ReadOrWrite = { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: string };

export interface CreateResult {
  readonly object: ObjectId;
  readonly cap: string;
  readonly revoker: string;
}

export interface DeriveResult {
  readonly cap: string;
  readonly revoker: string;
}

export type InvokeResult = { readonly kind: 'read'; readonly value: string } | { readonly kind: 'write' };

export interface ClientStats {
  requests: number;
  retries: number;
  indeterminate: number;
  malformedFrames: number;
}

export class Client {
  readonly id: string;
  readonly stats: ClientStats = { requests: 0, retries: 0, indeterminate: 0, malformedFrames: 0 };

  private readonly ports: ClientPorts;
  private readonly nodes: ReadonlySet<NodeId>;
  private readonly deadlineMs: number;
  private readonly retryDelayMsMin: number;
  private readonly retryDelayMsMax: number;
  private readonly pending = new Map<string, InFlightRequest>();
  private readonly requestContext: RequestContext;
  private readonly attenuateToken: typeof attenuateToken;
  private readonly metadataNode: NodeId | undefined;
  private sequence = 0;
  /** Reason the client was closed, or undefined while it is open. */
  private closedBecause: string | undefined;

  constructor(ports: ClientPorts, options: ClientOptions) {
    this.id = options.id;
    this.ports = ports;
    this.nodes = new Set(options.nodes);
    this.deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
    this.retryDelayMsMin = options.retryDelayMsMin ?? RETRY_DELAY_MS_MIN;
    this.retryDelayMsMax = options.retryDelayMsMax ?? RETRY_DELAY_MS_MAX;
    this.attenuateToken = options.attenuateToken ?? attenuateToken;
    this.metadataNode = options.metadataNode;
    this.requestContext = {
      clientId: this.id,
      clock: ports.clock,
      random: ports.random,
      transport: ports.transport,
      logger: ports.logger,
      stats: this.stats,
      pending: this.pending,
      deadlineMs: this.deadlineMs,
      retryDelayMsMin: this.retryDelayMsMin,
      retryDelayMsMax: this.retryDelayMsMax,
    };
    ports.transport.onFrame((from, frame) => this.receive(from, frame));
  }

  async create(node: NodeId, value: string): Promise<Outcome<CreateResult>> {
    if (!this.nodes.has(node)) {
      return refusedWith(unknownNode(node));
    }
    const outcome = await this.request(node, { op: 'create', node, value });
    return mapOutput(outcome, (output) =>
      output.op === 'create' ? { object: output.object, cap: output.cap, revoker: output.revoker } : undefined,
    );
  }

  /** Narrows a capability offline: no message is sent and no node needs to be up. */
  attenuate(cap: string, rights: Rights): Outcome<{ readonly cap: string }> {
    const token = CapabilityTokenCodec.decode(cap);
    if (E.isLeft(token)) {
      return invalidInput(`invalid capability token: ${tokenErrorMessages(token.left).join('; ')}`);
    }
    const narrowed = this.attenuateToken(token.right, rights);
    return E.isLeft(narrowed) ? refusedWith(narrowed.left) : ok({ cap: encodeToken(narrowed.right) });
  }

  async derive(cap: string, rights: Rights): Promise<Outcome<DeriveResult>> {
    const owner = this.ownerOfToken(cap, 'capability');
    if (owner.kind !== 'ok') {
      return owner;
    }
    const outcome = await this.request(this.metadataNode ?? owner.value, { op: 'derive', cap, rights });
    return mapOutput(outcome, (output) => (output.op === 'derive' ? { cap: output.cap, revoker: output.revoker } : undefined));
  }

  async revoke(revoker: string): Promise<Outcome<Readonly<Record<string, never>>>> {
    const owner = this.ownerOfToken(revoker, 'revoker');
    if (owner.kind !== 'ok') {
      return owner;
    }
    const outcome = await this.request(this.metadataNode ?? owner.value, { op: 'revoke', revoker });
    return mapOutput(outcome, (output) => (output.op === 'revoke' ? {} : undefined));
  }

  async invoke(cap: string, action: ReadOrWrite): Promise<Outcome<InvokeResult>> {
    const owner = this.ownerOfToken(cap, 'capability');
    if (owner.kind !== 'ok') {
      return owner;
    }
    const outcome = await this.request(owner.value, { op: 'invoke', cap, action });
    return mapOutput(outcome, (output) => (output.op === 'invoke' ? output.result : undefined));
  }

  private ownerOfToken(text: string, kind: 'capability' | 'revoker'): Outcome<NodeId> {
    const decoded = kind === 'capability' ? CapabilityTokenCodec.decode(text) : RevokerTokenCodec.decode(text);
    if (E.isLeft(decoded)) {
      return invalidInput(`invalid ${kind} token: ${tokenErrorMessages(decoded.left).join('; ')}`);
    }
    const owner = ownerOf(decoded.right.object);
    return this.nodes.has(owner) ? ok(owner) : refusedWith(unknownNode(owner));
  }

  /**
   * Closes the client. Every pending request finishes now as indeterminate, with `reason`, and
   * sends no more retries. Every later request finishes the same way at once, without sending
   * anything. Offline attenuation still works. The transport stays open: its owner closes it.
   */
  close(reason = `client ${this.id} was closed`): void {
    this.closedBecause ??= reason;
    for (const request of [...this.pending.values()]) {
      request.abandon(this.closedBecause);
    }
  }

  /** Sends one request to `owner` and retries it with exponential backoff and jitter until a
   * response arrives or the deadline passes. */
  private request(owner: NodeId, body: RequestBody): Promise<Outcome<WireOutput>> {
    if (this.closedBecause !== undefined) {
      return Promise.resolve({ kind: 'indeterminate', reason: this.closedBecause });
    }
    const id = `${this.id}:${this.sequence}`;
    this.sequence += 1;
    this.stats.requests += 1;
    const frame = encodeFrame({ type: 'request', version: WIRE_VERSION, id, body });

    return new Promise((resolve) => {
      const request = new InFlightRequest(this.requestContext, owner, id, frame, resolve);
      this.pending.set(id, request);
      request.send();
    });
  }

  private receive(from: string, frame: Uint8Array): void {
    const decoded = decodeFrame(frame);
    if (E.isLeft(decoded)) {
      this.stats.malformedFrames += 1;
      this.ports.logger.warn({ client: this.id, peer: from, reason: decoded.left }, 'dropped a malformed frame');
      return;
    }
    const message = decoded.right;
    if (message.type !== 'response') {
      this.stats.malformedFrames += 1;
      this.ports.logger.warn({ client: this.id, peer: from, request: message.id }, 'dropped a request sent to a client');
      return;
    }
    // A late or duplicated response finds no pending request and is ignored.
    this.pending.get(message.id)?.settle(message.result);
  }
}

const mapOutput = <T>(outcome: Outcome<WireOutput>, pick: (output: WireOutput) => T | undefined): Outcome<T> => {
  if (outcome.kind !== 'ok') {
    return outcome;
  }
  const value = pick(outcome.value);
  return value === undefined
    ? invalidInput(`the owner answered with a ${outcome.value.op} output to a different operation`)
    : ok(value);
};
