/**
 * Deliberately broken variants of the reference implementation, each one small, named change.
 * The checker must find a violation in every one of them within a fixed budget of histories,
 * which shows that it finds real bugs. The reference passes the same budget.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ClientOptions } from '../impl/client/client.ts';
import { REFERENCE_BEHAVIOUR, type OwnerBehaviour } from '../impl/owner/behaviour.ts';
import { checkChain } from '../impl/owner/guard.ts';
import type { LogRecord } from '../impl/owner/records.ts';
import { applyRecord, type ShardObject, type SlotEntry } from '../impl/owner/shard.ts';
import { chainCaveat, type CapabilityToken } from '../impl/token/index.ts';
import { CAVEATS_MAX, nodeId, rightsOf, tooManyCaveats, type Right } from '../model/index.ts';

export interface Mutant {
  readonly name: string;
  readonly description: string;
  readonly owner?: Partial<OwnerBehaviour>;
  readonly client?: Pick<ClientOptions, 'attenuateToken' | 'metadataNode'>;
}

/** A chain walk that never compares versions: every minted capability stays valid. */
const acceptEveryChain: OwnerBehaviour['checkChain'] = (object) => E.right(object);

/** Walks only the capability's own slot, never its ancestors. */
const checkOwnSlotOnly: OwnerBehaviour['checkChain'] = (object: ShardObject, token) => {
  const own = object.slots[token.slot];
  const alone: ShardObject = { ...object, slots: own === undefined ? [] : Object.assign([], { [token.slot]: { ...own, parent: null } }) };
  return E.isLeft(checkChain(alone, token)) ? checkChain(alone, token) : E.right(object);
};

/** Applying a revoke also bumps the revoked slot's parent. */
const revokeAlsoBumpsParent: OwnerBehaviour['applyRecord'] = (shard, record: LogRecord) => {
  applyRecord(shard, record);
  if (record.type !== 'revoke') {
    return;
  }
  const object = shard.objects.get(record.object);
  const parent = object?.slots[record.slot]?.parent;
  if (object !== undefined && parent !== undefined && parent !== null) {
    (object.slots[parent.slot] as SlotEntry).version = parent.version + 1;
  }
};

/** Attenuation that adds the requested rights to what the capability holds, unchecked. */
const attenuateByUnion: NonNullable<ClientOptions['attenuateToken']> = (token, rights) => {
  const count = token.caveats.length + 1;
  if (count > CAVEATS_MAX) {
    return E.left(tooManyCaveats(count, CAVEATS_MAX));
  }
  const last = token.caveats[token.caveats.length - 1] ?? token.rights;
  const caveat = rightsOf(...new Set<Right>([...last, ...rights]));
  const caveats = [...token.caveats, caveat];
  return E.right({ ...token, caveats, mac: chainCaveat(token.mac, token.caveats.length, caveat) });
};

/** Effective rights taken from the newest caveat alone, as a union-based attenuation expects. */
const newestCaveatRights: OwnerBehaviour['effectiveRights'] = (token: CapabilityToken) =>
  token.caveats[token.caveats.length - 1] ?? token.rights;

export const MUTANTS: ReadonlyArray<Mutant> = [
  {
    name: 'skip-version-check',
    description: 'the guard never compares slot versions, so revoked capabilities still work',
    owner: { checkChain: acceptEveryChain },
  },
  {
    name: 'revoke-no-cascade',
    description: 'the guard checks only the capability slot, so revoking a parent leaves its children valid',
    owner: { checkChain: checkOwnSlotOnly },
  },
  {
    name: 'revoke-bumps-parent',
    description: 'revoking a slot also revokes its parent (collateral revocation)',
    owner: { applyRecord: revokeAlsoBumpsParent },
  },
  {
    name: 'attenuate-unions-rights',
    description: 'attenuation adds the requested rights instead of narrowing, and the owner trusts the newest caveat',
    owner: { effectiveRights: newestCaveatRights },
    client: { attenuateToken: attenuateByUnion },
  },
  {
    name: 'ack-before-sync',
    description: 'the owner responds before the log sync completes',
    owner: { syncBeforeAnswer: false },
  },
  {
    name: 'no-dedup',
    description: 'retried and duplicated requests are applied again',
    owner: { deduplicate: false },
  },
  {
    name: 'central-metadata',
    description: 'derive and revoke go through node n0, which relays them to the owner',
    owner: { relayForeignRequests: true },
    client: { metadataNode: nodeId('n0') },
  },
  {
    name: 'recovery-drops-last-record',
    description: 'recovery replays every synced record but the last',
    owner: { replayedRecords: (records) => records.slice(0, -1) },
  },
  {
    name: 'caveat-macs-unverified',
    description: 'tokens with caveats are accepted without checking their MAC',
    owner: { verify: (key, token) => (token.kind === 'capability' && token.caveats.length > 0) || REFERENCE_BEHAVIOUR.verify(key, token) },
  },
];

export const mutantNamed = (name: string): Mutant | undefined => MUTANTS.find((mutant) => mutant.name === name);

export const ownerBehaviourOf = (mutant: Mutant | undefined): OwnerBehaviour =>
  mutant === undefined ? REFERENCE_BEHAVIOUR : { ...REFERENCE_BEHAVIOUR, ...mutant.owner };

