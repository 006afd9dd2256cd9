/**
 * Cost of the owner's guard per operation, next to one bare HMAC-SHA256 of the same token bytes.
 * The guard recomputes the token's MAC chain, one HMAC over the minted part and one per caveat.
 * Then it walks the slot chain to the root. With four caveats it should cost about five HMACs
 * plus the encoding and the walk.
 */
import { createHmac } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { invariant, rightsOf } from '../../model/index.ts';
import { executeInvoke } from '../../impl/owner/execute.ts';
import { guardToken } from '../../impl/owner/guard.ts';
import { encodeTokenBytes, mintCapability } from '../../impl/token/index.ts';
import type { SectionResult } from './report.ts';
import { benchKey, createObject, deriveSlot, newShard, objectOf } from './shard-fixture.ts';
import type { BenchSettings } from './settings.ts';
import { medianRatio, timeTasks } from './timing.ts';

/** Caveats on the benchmarked token, narrowing step by step to read only. */
const CAVEATS = [rightsOf('grant', 'read', 'write'), rightsOf('read', 'write'), rightsOf('read', 'write'), rightsOf('read')];

const SLOT_DEPTH = 2;

export const runGuardBench = (settings: BenchSettings): SectionResult => {
  const key = benchKey();
  const shard = newShard();
  const object = createObject(shard);
  let slot = 0;
  for (let depth = 0; depth < SLOT_DEPTH; depth += 1) {
    slot = deriveSlot(shard, object, slot);
  }
  const version = objectOf(shard, object).slots[slot]?.version ?? 0;

  // Minting with caveats chains them exactly as attenuation by holders would.
  const token = mintCapability(key, { object, slot, version, rights: rightsOf('grant', 'read', 'write'), caveats: CAVEATS });
  const tokenBytes = encodeTokenBytes(token);

  // Each timed call must take the accepting path, or the numbers describe a refusal.
  invariant(E.isRight(guardToken(shard, key, token)), 'benchmark token fails the guard');
  const read = executeInvoke(shard, key, 'bench:read', token, { kind: 'read' });
  invariant(read.result.ok === true && read.record === null, 'benchmark read was not accepted without a record');

  const timings = timeTasks(
    [
      { name: 'HMAC-SHA256 of token bytes', fn: () => createHmac('sha256', key).update(tokenBytes).digest() },
      { name: 'guardToken', fn: () => guardToken(shard, key, token) },
      { name: 'executeInvoke read', fn: () => executeInvoke(shard, key, 'bench:read', token, { kind: 'read' }) },
    ],
    settings,
  );
  const [hmac, guard, invoke] = timings;
  invariant(hmac !== undefined && guard !== undefined && invoke !== undefined, 'guard benchmark lost a task');

  return {
    id: 'guard',
    title: `guard check: capability token with ${CAVEATS.length} caveats at slot depth ${SLOT_DEPTH}, ${tokenBytes.length} token bytes`,
    tables: [
      {
        title: 'time per call (median over rounds)',
        rows: timings.map((timing) => ({
          operation: timing.name,
          'ops/s': timing.opsPerSecond,
          'ns/op': timing.nsPerOp,
          'rme %': timing.rmePercentMedian,
          samples: timing.samples,
        })),
      },
    ],
    ratios: [
      { name: 'guardToken / HMAC', value: medianRatio(guard, hmac), expected: `about ${CAVEATS.length + 1} to ${CAVEATS.length + 2}` },
      { name: 'executeInvoke read / HMAC', value: medianRatio(invoke, hmac), expected: 'about guardToken / HMAC: a read adds only a rights check' },
    ],
    notes: [`ratios are the median over ${settings.rounds} rounds of the ratio within each round`],
  };
};
