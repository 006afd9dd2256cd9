/**
 * An owner node: keeps the shard of the objects it owns, guards every use of them, and responds
 * to requests. It never sends a request to anyone, so an operation involves only the client and the
 * object's owner. Every effect is logged and synced before any response that could reveal it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { ownerOf, type NodeId } from '../../model/index.ts';
import type { Logger, Storage, Transport } from '../ports.ts';
import { CapabilityTokenCodec, RevokerTokenCodec, TokenCodec, tokenErrorMessages, type OwnerKey } from '../token/index.ts';
import { decodeFrame, encodeFrame } from '../wire/frame.ts';
import { WIRE_VERSION, type Request, type WireResult } from '../wire/messages.ts';
import {
  executeCreate,
  executeDerive,
  executeInvoke,
  executeRevoke,
  outputOfRecord,
  type Execution,
} from './execute.ts';
import type { OpenedLog, OwnerLog } from './owner-log.ts';
import { decodeRecord, encodeRecord, type LogRecord } from './records.ts';
import { Shard } from './shard.ts';
import { REFERENCE_BEHAVIOUR, type OwnerBehaviour } from './behaviour.ts';

export interface OwnerPorts {
  readonly transport: Transport;
  readonly storage: Storage;
  readonly logger: Logger;
}

export interface OwnerOptions {
  readonly node: NodeId;
  readonly key: OwnerKey;
  readonly openLog: (storage: Storage, logger: Logger) => Promise<OpenedLog>;
  /** The reference behaviour unless a checker mutant replaces it. */
  readonly behaviour?: OwnerBehaviour;
}

export interface OwnerStats {
  requests: number;
  duplicates: number;
  malformedFrames: number;
  syncs: number;
}

export class OwnerNode {
  readonly node: NodeId;
  readonly shard: Shard;
  readonly stats: OwnerStats = { requests: 0, duplicates: 0, malformedFrames: 0, syncs: 0 };

  private readonly key: OwnerKey;
  private readonly transport: Transport;
  private readonly logger: Logger;
  private readonly log: OwnerLog;
  private readonly behaviour: OwnerBehaviour;
  /** Responses to effectful requests by request id, since the start of this process. */
  private readonly completed = new Map<string, WireResult>();
  /** Log records of the effectful requests recovered from the log, by request id. The response of
   * one is built from its record only when its client retries it: building every response at
   * recovery signs two tokens per create and derive, about two thirds of the replay time. */
  private readonly recovered = new Map<string, LogRecord>();
  /** Clients waiting for relayed responses by request id. Only the relaying mutant uses it. */
  private readonly relayed = new Map<string, string>();

  private constructor(options: OwnerOptions, ports: OwnerPorts, log: OwnerLog) {
    this.node = options.node;
    this.key = options.key;
    this.transport = ports.transport;
    this.logger = ports.logger;
    this.log = log;
    this.behaviour = options.behaviour ?? REFERENCE_BEHAVIOUR;
    this.shard = new Shard(options.node);
  }

  /** Recovers the shard from the log, then starts responding to requests. */
  static async start(options: OwnerOptions, ports: OwnerPorts): Promise<OwnerNode> {
    const opened = await options.openLog(ports.storage, ports.logger);
    const owner = new OwnerNode(options, ports, opened.log);
    owner.recover(opened.records);
    ports.transport.onFrame((from, frame) => owner.receive(from, frame));
    ports.logger.info({ node: owner.node, objects: owner.shard.objects.size }, 'owner started');
    return owner;
  }

  private recover(recovered: ReadonlyArray<Uint8Array>): void {
    const records = this.behaviour.replayedRecords(recovered);
    records.forEach((payload, index) => {
      const decoded = decodeRecord(payload);
      if (E.isLeft(decoded)) {
        throw new Error(
          `cannot recover node ${this.node}: log record ${index} is unreadable (${decoded.left}); restore the data directory from a backup or move it aside`,
        );
      }
      this.behaviour.applyRecord(this.shard, decoded.right);
      this.recovered.set(decoded.right.request, decoded.right);
    });
    if (records.length > 0) {
      this.logger.info({ node: this.node, records: records.length, objects: this.shard.objects.size }, 'recovered from log');
    }
  }

  private receive(from: string, frame: Uint8Array): void {
    const decoded = decodeFrame(frame);
    if (E.isLeft(decoded)) {
      this.stats.malformedFrames += 1;
      this.logger.warn({ node: this.node, peer: from, reason: decoded.left }, 'dropped a malformed frame');
      return;
    }
    const message = decoded.right;
    const waiting = message.type === 'response' ? this.relayed.get(message.id) : undefined;
    if (waiting !== undefined) {
      this.relayed.delete(message.id);
      this.transport.send(waiting, frame);
      return;
    }
    if (message.type !== 'request') {
      this.stats.malformedFrames += 1;
      this.logger.warn({ node: this.node, peer: from, request: message.id }, 'dropped a response sent to an owner');
      return;
    }
    const foreign = this.behaviour.relayForeignRequests ? foreignOwner(message, this.node) : null;
    if (foreign !== null) {
      this.relayed.set(message.id, from);
      this.transport.send(foreign, frame);
      return;
    }
    this.handle(from, message).catch((error: unknown) => {
      // A failed sync leaves the log unusable, so the request stays unanswered and the client's
      // deadline reports it as indeterminate.
      this.logger.error(
        { node: this.node, peer: from, request: message.id, error: error instanceof Error ? error.message : String(error) },
        'request failed',
      );
    });
  }

  /** Returns the stored response of a completed request, built from its log record if it was recovered. */
  private completedResult(id: string): WireResult | undefined {
    const result = this.completed.get(id);
    if (result !== undefined) {
      return result;
    }
    const record = this.recovered.get(id);
    if (record === undefined) {
      return undefined;
    }
    const built: WireResult = { ok: true, output: outputOfRecord(this.key, record) };
    this.recovered.delete(id);
    this.completed.set(id, built);
    return built;
  }

  private async handle(from: string, request: Request): Promise<void> {
    this.stats.requests += 1;
    let result = this.behaviour.deduplicate ? this.completedResult(request.id) : undefined;
    if (result !== undefined) {
      this.stats.duplicates += 1;
      this.logger.debug({ node: this.node, peer: from, request: request.id }, 'responded to a retried request from the completed table');
    } else {
      const execution = this.execute(request);
      result = execution.result;
      if (execution.record !== null) {
        this.log.append(encodeRecord(execution.record));
        this.behaviour.applyRecord(this.shard, execution.record);
        this.completed.set(request.id, result);
      }
    }

    // Even a read waits for pending records, because responding before they are durable could reveal a
    // write that a crash then loses.
    if (this.log.hasPending) {
      this.stats.syncs += 1;
      const synced = this.log.sync();
      if (this.behaviour.syncBeforeAnswer) {
        await synced;
      }
    }
    this.transport.send(from, encodeFrame({ type: 'response', version: WIRE_VERSION, id: request.id, result }));
  }

  private execute(request: Request): Execution {
    const body = request.body;
    switch (body.op) {
      case 'create':
        if (body.node !== this.node) {
          return invalid(`create for node ${body.node} was sent to node ${this.node}; send it to the node that will own the object`);
        }
        return executeCreate(this.shard, this.key, request.id, body.value);
      case 'derive': {
        const token = CapabilityTokenCodec.decode(body.cap);
        return E.isLeft(token)
          ? invalid(`capability token is malformed: ${tokenErrorMessages(token.left).join('; ')}`)
          : executeDerive(this.shard, this.key, request.id, token.right, body.rights, this.behaviour);
      }
      case 'revoke': {
        const token = RevokerTokenCodec.decode(body.revoker);
        return E.isLeft(token)
          ? invalid(`revoker token is malformed: ${tokenErrorMessages(token.left).join('; ')}`)
          : executeRevoke(this.shard, this.key, request.id, token.right, this.behaviour);
      }
      case 'invoke': {
        const token = CapabilityTokenCodec.decode(body.cap);
        return E.isLeft(token)
          ? invalid(`capability token is malformed: ${tokenErrorMessages(token.left).join('; ')}`)
          : executeInvoke(this.shard, this.key, request.id, token.right, body.action, this.behaviour);
      }
    }
  }
}

/** Returns the owner of the object a request names when that owner is not `self`, else `null`. */
const foreignOwner = (request: Request, self: NodeId): NodeId | null => {
  const body = request.body;
  if (body.op === 'create') {
    return body.node === self ? null : body.node;
  }
  const text = body.op === 'revoke' ? body.revoker : body.cap;
  const decoded = TokenCodec.decode(text);
  if (E.isLeft(decoded)) {
    return null;
  }
  const owner = ownerOf(decoded.right.object);
  return owner === self ? null : owner;
};

const invalid = (message: string): Execution => ({ result: { ok: 'invalid', message }, record: null });
