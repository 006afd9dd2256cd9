/**
 * Executes one request against the shard, mirroring the model operation for operation: the same
 * checks in the same order, the same refusals. An accepted effect becomes a log record, which the
 * caller applies and syncs before it responds.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  depthExceeded,
  hasRight,
  isSubset,
  missingRight,
  rightsExceeded,
  slotsExhausted,
  valueTooLarge,
  type Refusal,
  type Rights,
} from '../../model/index.ts';
import { SLOT_DEPTH_MAX, SLOTS_PER_OBJECT_MAX, VALUE_LENGTH_MAX } from '../limits.ts';
import { encodeToken, mintCapability, mintRevoker, type CapabilityToken, type OwnerKey, type RevokerToken } from '../token/index.ts';
import type { WireOutput, WireResult } from '../wire/messages.ts';
import { REFERENCE_BEHAVIOUR, type OwnerBehaviour } from './behaviour.ts';
import { checkMinted, guardToken } from './guard.ts';
import type { LogRecord } from './records.ts';
import type { Shard, SlotEntry } from './shard.ts';

export interface Execution {
  readonly result: WireResult;
  /** The effect to log and apply before responding, or `null` when nothing changes. */
  readonly record: LogRecord | null;
}

const refused = (refusal: Refusal): Execution => ({ result: { ok: false, refusal }, record: null });

const accepted = (output: WireOutput, record: LogRecord | null): Execution => ({ result: { ok: true, output }, record });

export const executeCreate = (shard: Shard, key: OwnerKey, request: string, value: string): Execution => {
  if (value.length > VALUE_LENGTH_MAX) {
    return refused(valueTooLarge(value.length, VALUE_LENGTH_MAX));
  }
  const object = shard.nextObjectId();
  return accepted(createOutput(key, object), { type: 'create', request, object, value });
};

export const createOutput = (key: OwnerKey, object: LogRecord['object']): WireOutput => ({
  op: 'create',
  object,
  cap: encodeToken(mintCapability(key, { object, slot: 0, version: 0, rights: ['grant', 'read', 'write'], caveats: [] })),
  revoker: encodeToken(mintRevoker(key, { object, slot: 0, version: 0 })),
});

export const deriveOutput = (
  key: OwnerKey,
  record: Extract<LogRecord, { type: 'derive' }>,
): WireOutput => ({
  op: 'derive',
  cap: encodeToken(
    mintCapability(key, { object: record.object, slot: record.slot, version: record.version, rights: record.rights, caveats: [] }),
  ),
  revoker: encodeToken(mintRevoker(key, { object: record.object, slot: record.slot, version: record.version })),
});

export const executeDerive = (
  shard: Shard,
  key: OwnerKey,
  request: string,
  token: CapabilityToken,
  rights: Rights,
  behaviour: OwnerBehaviour = REFERENCE_BEHAVIOUR,
): Execution => {
  const guarded = guardToken(shard, key, token, behaviour);
  if (E.isLeft(guarded)) {
    return refused(guarded.left);
  }
  const object = guarded.right;
  const held = behaviour.effectiveRights(token);
  if (!hasRight(held, 'grant')) {
    return refused(missingRight('grant', held));
  }
  if (!isSubset(rights, held)) {
    return refused(rightsExceeded(rights, held));
  }
  const depth = (object.slots[token.slot] as SlotEntry).depth + 1;
  if (depth > SLOT_DEPTH_MAX) {
    return refused(depthExceeded(depth, SLOT_DEPTH_MAX));
  }
  const next = shard.nextSlot(object);
  if (object.free.length === 0 && object.slots.length >= SLOTS_PER_OBJECT_MAX) {
    return refused(slotsExhausted(token.object, SLOTS_PER_OBJECT_MAX));
  }
  const record: Extract<LogRecord, { type: 'derive' }> = {
    type: 'derive',
    request,
    object: token.object,
    slot: next.slot,
    version: next.version,
    parentSlot: token.slot,
    parentVersion: token.version,
    rights,
  };
  return accepted(deriveOutput(key, record), record);
};

export const executeRevoke = (
  shard: Shard,
  key: OwnerKey,
  request: string,
  token: RevokerToken,
  behaviour: OwnerBehaviour = REFERENCE_BEHAVIOUR,
): Execution => {
  const minted = checkMinted(shard, key, token, behaviour);
  if (E.isLeft(minted)) {
    return refused(minted.left);
  }
  const slot = minted.right.slots[token.slot] as SlotEntry;
  if (slot.version !== token.version) {
    return accepted({ op: 'revoke' }, null);
  }
  return accepted({ op: 'revoke' }, { type: 'revoke', request, object: token.object, slot: token.slot, version: token.version });
};

export type InvokeAction = { readonly kind: 'read' } | { readonly kind: 'write'; readonly value: string };

export const executeInvoke = (
  shard: Shard,
  key: OwnerKey,
  request: string,
  token: CapabilityToken,
  action: InvokeAction,
  behaviour: OwnerBehaviour = REFERENCE_BEHAVIOUR,
): Execution => {
  const guarded = guardToken(shard, key, token, behaviour);
  if (E.isLeft(guarded)) {
    return refused(guarded.left);
  }
  const held = behaviour.effectiveRights(token);
  if (!hasRight(held, action.kind)) {
    return refused(missingRight(action.kind, held));
  }
  if (action.kind === 'read') {
    return accepted({ op: 'invoke', result: { kind: 'read', value: guarded.right.value } }, null);
  }
  if (action.value.length > VALUE_LENGTH_MAX) {
    return refused(valueTooLarge(action.value.length, VALUE_LENGTH_MAX));
  }
  return accepted({ op: 'invoke', result: { kind: 'write' } }, { type: 'write', request, object: token.object, value: action.value });
};

/** Rebuilds the response a logged effect got, so a retried request gets it again after recovery. */
export const outputOfRecord = (key: OwnerKey, record: LogRecord): WireOutput => {
  switch (record.type) {
    case 'create':
      return createOutput(key, record.object);
    case 'derive':
      return deriveOutput(key, record);
    case 'revoke':
      return { op: 'revoke' };
    case 'write':
      return { op: 'invoke', result: { kind: 'write' } };
  }
};
