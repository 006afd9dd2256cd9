/**
 * A node's data directory written offline, so that a benchmark can start a real node process on
 * a log of 100,000 records without sending 100,000 requests first.
 *
 * The format is the node's own. `node.key` comes from `loadOrCreateNodeKey`. Every record is one
 * of the owner's record types (impl/owner/records.ts), encoded by `encodeRecord`, then framed and
 * checksummed by `RecordLog.append` and written by `FileStorage`: the code a live node runs after
 * each effect. Slots and versions come from a `Shard` that the builder updates with
 * `applyRecord`, as the owner does, so a node that recovers the log ends with the same shard.
 * What the builder skips is the work of a live request: no token is checked and no response is
 * minted, and the log is synced once at the end instead of once per request.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { ALL_RIGHTS, invariant, type NodeId, type ObjectId, type Rights } from '../../model/index.ts';
import { FileStorage } from '../../impl/disk/file-storage.ts';
import { loadOrCreateNodeKey } from '../../impl/disk/node-key.ts';
import { openRecordLog, type RecordLog } from '../../impl/log/index.ts';
import { encodeRecord, type LogRecord } from '../../impl/owner/records.ts';
import { applyRecord, Shard, type ShardObject } from '../../impl/owner/shard.ts';
import { noopLogger } from '../../impl/ports.ts';
import { SLOT_DEPTH_MAX } from '../../impl/limits.ts';
import { encodeToken, mintCapability, mintRevoker, type OwnerKey } from '../../impl/token/index.ts';

/** Endpoint id in the request ids of the records the builder writes. No client uses it, so no
 * live request id can collide with a logged one. */
const BUILDER_ENDPOINT = 'log-builder';

/** Creates an empty data directory under the system's temporary directory. The caller removes it. */
export const createDataDirectory = (): Promise<string> => mkdtemp(join(tmpdir(), 'shardcap-bench-node-'));

export class RecordLogBuilder {
  /** Records appended so far, not counting any the log held before `open`. */
  appended = 0;

  private constructor(
    readonly key: OwnerKey,
    readonly shard: Shard,
    private readonly storage: FileStorage,
    private readonly log: RecordLog,
  ) {}

  /**
   * Opens the data directory of node `node`: creates its key file when missing and opens its
   * record log for appends. Throws when the directory already contains records, because the shard
   * of the builder would then differ from the one the node recovers.
   */
  static async open(dataDirectory: string, node: NodeId): Promise<RecordLogBuilder> {
    const key = await loadOrCreateNodeKey(dataDirectory);
    if (E.isLeft(key)) {
      throw new Error(`cannot prepare the node key in ${dataDirectory}: ${key.left.message}`);
    }

    const storage = await FileStorage.open(dataDirectory);
    const opened = await openRecordLog(storage, noopLogger);
    if (opened.records.length > 0) {
      await storage.close();
      throw new Error(`${dataDirectory} already contains ${opened.records.length} records: build a log only in a new data directory`);
    }
    return new RecordLogBuilder(key.right.key, new Shard(node), storage, opened.log);
  }

  /** Creates an object and returns its id. Its root capability is slot 0 at version 0. */
  create(value: string): ObjectId {
    const object = this.shard.nextObjectId();
    this.append({ type: 'create', request: this.nextRequest(), object, value });
    return object;
  }

  /** Derives a capability with `rights` below `parentSlot` at the parent's current version, as
   * `executeDerive` does, and returns the new slot. */
  derive(object: ObjectId, parentSlot: number, rights: Rights = ALL_RIGHTS): number {
    const entry = this.objectOf(object);
    const parent = entry.slots[parentSlot];
    invariant(parent !== undefined, `object ${object} has no slot ${parentSlot}`);
    invariant(parent.depth < SLOT_DEPTH_MAX, `slot ${parentSlot} of ${object} is at depth ${parent.depth}, the maximum`);

    const next = this.shard.nextSlot(entry);
    this.append({
      type: 'derive',
      request: this.nextRequest(),
      object,
      slot: next.slot,
      version: next.version,
      parentSlot,
      parentVersion: parent.version,
      rights,
    });
    return next.slot;
  }

  /**
   * Derives `count` capabilities below `rootSlot` breadth first: up to `fanout` children under
   * the root, then up to `fanout` under each child, and so on. Returns the last slot derived,
   * one of the deepest.
   */
  deriveSubtree(object: ObjectId, rootSlot: number, count: number, fanout: number): number {
    invariant(count >= 1 && fanout >= 1, `subtree of ${count} capabilities with fan-out ${fanout}: both must be at least 1`);
    const parents = [rootSlot];
    let derived = 0;
    let last = rootSlot;

    for (let next = 0; derived < count; next += 1) {
      const parent = parents[next];
      invariant(parent !== undefined, `ran out of parents after ${derived} of ${count} derivations`);
      for (let child = 0; child < fanout && derived < count; child += 1) {
        last = this.derive(object, parent);
        parents.push(last);
        derived += 1;
      }
    }
    return last;
  }

  /** Revokes the current incarnation of `slot`, as `executeRevoke` does for a valid revoker. */
  revoke(object: ObjectId, slot: number): void {
    const entry = this.objectOf(object).slots[slot];
    invariant(entry !== undefined, `object ${object} has no slot ${slot}`);
    this.append({ type: 'revoke', request: this.nextRequest(), object, slot, version: entry.version });
  }

  write(object: ObjectId, value: string): void {
    this.objectOf(object);
    this.append({ type: 'write', request: this.nextRequest(), object, value });
  }

  /** Returns the capability token of the current incarnation of `slot`, with all rights and no caveats. */
  capability(object: ObjectId, slot: number): string {
    const entry = this.objectOf(object).slots[slot];
    invariant(entry !== undefined, `object ${object} has no slot ${slot}`);
    return encodeToken(mintCapability(this.key, { object, slot, version: entry.version, rights: ALL_RIGHTS, caveats: [] }));
  }

  /** Returns the revoker token of the current incarnation of `slot`. */
  revoker(object: ObjectId, slot: number): string {
    const entry = this.objectOf(object).slots[slot];
    invariant(entry !== undefined, `object ${object} has no slot ${slot}`);
    return encodeToken(mintRevoker(this.key, { object, slot, version: entry.version }));
  }

  /** Syncs every appended record to disk and closes the log file. */
  async close(): Promise<void> {
    await this.log.sync();
    await this.storage.close();
  }

  private append(record: LogRecord): void {
    this.log.append(encodeRecord(record));
    applyRecord(this.shard, record);
    this.appended += 1;
  }

  private nextRequest(): string {
    return `${BUILDER_ENDPOINT}:${this.appended}`;
  }

  private objectOf(object: ObjectId): ShardObject {
    const entry = this.shard.objects.get(object);
    invariant(entry !== undefined, `the log being built has no object ${object}`);
    return entry;
  }
}
