/**
 * The owner's decisions that the checker's mutants replace one at a time. The reference
 * behaviour is the specification's; every other one is a deliberately broken variant that the
 * checker must catch.
 */
import type * as E from 'fp-ts/lib/Either.js';
import { effectiveRights, type Refusal, type Rights } from '../../model/index.ts';
import { verifyToken, type CapabilityToken, type OwnerKey, type RevokerToken } from '../token/index.ts';
import { checkChain } from './guard.ts';
import type { LogRecord } from './records.ts';
import { applyRecord, type Shard, type ShardObject } from './shard.ts';

export interface OwnerBehaviour {
  /** Checks a token's MAC chain under the owner's key. */
  readonly verify: (key: OwnerKey, token: CapabilityToken | RevokerToken) => boolean;
  /** Walks the slot chain of a capability. */
  readonly checkChain: (object: ShardObject, token: CapabilityToken) => E.Either<Refusal, ShardObject>;
  /** The rights a capability grants. */
  readonly effectiveRights: (token: CapabilityToken) => Rights;
  /** Applies one logged effect to the shard. */
  readonly applyRecord: (shard: Shard, record: LogRecord) => void;
  /** Waits for the log sync before responding. */
  readonly syncBeforeAnswer: boolean;
  /** Responds to a retried request from the table of completed requests. */
  readonly deduplicate: boolean;
  /** Chooses which recovered records to replay. */
  readonly replayedRecords: (records: ReadonlyArray<Uint8Array>) => ReadonlyArray<Uint8Array>;
  /** Forwards requests for objects of other owners to those owners and relays their responses. */
  readonly relayForeignRequests: boolean;
}

export const REFERENCE_BEHAVIOUR: OwnerBehaviour = {
  verify: verifyToken,
  checkChain,
  effectiveRights,
  applyRecord,
  syncBeforeAnswer: true,
  deduplicate: true,
  replayedRecords: (records) => records,
  relayForeignRequests: false,
};
