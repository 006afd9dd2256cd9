/** Builders for hand-written recorded histories of one object. */
import {
  ALL_RIGHTS,
  nodeId,
  objectId,
  rightsOf,
  type Capability,
  type Output,
  type Refusal,
  type Revoker,
  type Right,
} from '../../model/index.ts';
import type { ObjectInput, ObjectVerdict, RecordedCreation, RecordedOp, RecordedOutcome } from '../../properties/checker/index.ts';

export const owner = nodeId('storage');
export const object = objectId(owner, 0);

export const creation: RecordedCreation = { object, owner, value: 'a', start: 0, end: 1 };

export const rootCap: Capability = { object, slot: 0, version: 0, rights: ALL_RIGHTS, caveats: [] };
export const rootRevoker: Revoker = { object, slot: 0, version: 0 };

/** The capability and revoker the owner mints for a derivation on `slot` at `version`. */
export const derivedCap = (slot: number, version: number, ...rights: Right[]): Capability => ({
  object,
  slot,
  version,
  rights: rightsOf(...rights),
  caveats: [],
});
export const derivedRevoker = (slot: number, version: number): Revoker => ({ object, slot, version });

export const readInput = (cap: Capability): ObjectInput => ({ op: 'invoke', cap, action: { kind: 'read' } });
export const writeInput = (cap: Capability, value: string): ObjectInput => ({ op: 'invoke', cap, action: { kind: 'write', value } });
export const deriveInput = (cap: Capability, ...rights: Right[]): ObjectInput => ({ op: 'derive', cap, rights: rightsOf(...rights) });
export const revokeInput = (revoker: Revoker): ObjectInput => ({ op: 'revoke', revoker });

export const readOutput = (value: string): RecordedOutcome => ({ kind: 'ok', output: { op: 'invoke', result: { kind: 'read', value } } });
export const writeOutput: RecordedOutcome = { kind: 'ok', output: { op: 'invoke', result: { kind: 'write' } } };
export const revokeOutput: RecordedOutcome = { kind: 'ok', output: { op: 'revoke' } };
export const deriveOutput = (cap: Capability): RecordedOutcome => {
  const output: Output = { op: 'derive', cap, revoker: { object: cap.object, slot: cap.slot, version: cap.version } };
  return { kind: 'ok', output };
};
export const refusedWith = (refusal: Refusal): RecordedOutcome => ({ kind: 'refused', refusal });
export const indeterminate: RecordedOutcome = { kind: 'indeterminate' };

/** One recorded operation on `object`; the client is named after the id unless given. */
export const recorded = (
  id: number,
  input: ObjectInput,
  start: number,
  end: number | null,
  outcome: RecordedOutcome,
  client = `c${id}`,
): RecordedOp => ({ id, client, object, input, start, end, outcome });

export type Violation = Extract<ObjectVerdict, { readonly verdict: 'violation' }>;

/** Returns the order of a linearizable verdict, and throws with the whole verdict otherwise. */
export const orderOf = (verdict: ObjectVerdict | undefined): ReadonlyArray<number> => {
  if (verdict?.verdict !== 'linearizable') {
    throw new Error(`expected a linearizable verdict, got ${JSON.stringify(verdict)}`);
  }
  return verdict.order;
};

/** Returns a violation verdict, and throws with the whole verdict otherwise. */
export const violationOf = (verdict: ObjectVerdict | undefined): Violation => {
  if (verdict?.verdict !== 'violation') {
    throw new Error(`expected a violation verdict, got ${JSON.stringify(verdict)}`);
  }
  return verdict;
};
