/**
 * Time of each step of a node's recovery, measured in the benchmark process on a node's data
 * directory. The steps are those of `OwnerNode.start` and its `recover` (impl/owner/owner.ts):
 * read and check the record log, then for each record decode it and apply it to the shard. The
 * response of each request is timed too, as a fourth step: the owner builds it from the record
 * only when a client retries that request, so it is no part of a restart.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { NodeId } from '../../model/index.ts';
import { FileStorage } from '../../impl/disk/file-storage.ts';
import { loadOrCreateNodeKey } from '../../impl/disk/node-key.ts';
import { openRecordLog } from '../../impl/log/index.ts';
import { outputOfRecord } from '../../impl/owner/execute.ts';
import { decodeRecord } from '../../impl/owner/records.ts';
import { applyRecord, Shard } from '../../impl/owner/shard.ts';
import { noopLogger } from '../../impl/ports.ts';
import type { WireResult } from '../../impl/wire/messages.ts';

export interface ReplaySteps {
  readonly records: number;
  /** Reading the file and checking every record's frame and checksum, in milliseconds. */
  readonly loadMs: number;
  readonly decodeMs: number;
  readonly applyMs: number;
  /** Rebuilding the response of each logged request, which mints tokens for creates and derives. */
  readonly responsesMs: number;
}

/** Replays the record log in `data` as node `node` would at start and times each step. No node
 * may run on `data` meanwhile. */
export const timeReplaySteps = async (data: string, node: NodeId): Promise<ReplaySteps> => {
  const key = await loadOrCreateNodeKey(data);
  if (E.isLeft(key)) {
    throw new Error(`cannot read the node key in ${data}: ${key.left.message}`);
  }

  const loadStart = performance.now();
  const storage = await FileStorage.open(data);
  let records: ReadonlyArray<Uint8Array>;
  try {
    records = (await openRecordLog(storage, noopLogger)).records;
  } finally {
    await storage.close();
  }
  const loadMs = performance.now() - loadStart;

  const shard = new Shard(node);
  const completed = new Map<string, WireResult>();
  let decodeMs = 0;
  let applyMs = 0;
  let responsesMs = 0;
  for (const [index, payload] of records.entries()) {
    const start = performance.now();
    const decoded = decodeRecord(payload);
    const decodedAt = performance.now();
    if (E.isLeft(decoded)) {
      throw new Error(`record ${index} of the log in ${data} is unreadable: ${decoded.left}`);
    }
    applyRecord(shard, decoded.right);
    const appliedAt = performance.now();
    completed.set(decoded.right.request, { ok: true, output: outputOfRecord(key.right.key, decoded.right) });
    const end = performance.now();

    decodeMs += decodedAt - start;
    applyMs += appliedAt - decodedAt;
    responsesMs += end - appliedAt;
  }
  return { records: records.length, loadMs, decodeMs, applyMs, responsesMs };
};
