import { REVOKE_CHANGED_ENTRIES_MAX, type ObjectState, type State } from '../../model/index.ts';
import { sameValue, succeeded, type Invariant } from './invariant.ts';

/**
 * Counts the entries that differ between two states: each slot, free-list member, minted
 * incarnation and value of each object, and each node's status and serial counter.
 */
export const changedEntries = (before: State, after: State): number => {
  let count = 0;
  const nodes = new Set([...before.nodes.keys(), ...after.nodes.keys()]);
  for (const node of nodes) {
    const was = before.nodes.get(node);
    const is = after.nodes.get(node);
    if (was === undefined || is === undefined) {
      count += 1;
      continue;
    }
    count += Number(was.status !== is.status) + Number(was.nextSerial !== is.nextSerial);
    const objects = new Set([...was.objects.keys(), ...is.objects.keys()]);
    for (const object of objects) {
      count += changedObjectEntries(was.objects.get(object), is.objects.get(object));
    }
  }
  return count;
};

const changedObjectEntries = (was: ObjectState | undefined, is: ObjectState | undefined): number => {
  if (was === undefined || is === undefined) {
    return 1;
  }
  let count = Number(was.value !== is.value);
  const slotCount = Math.max(was.slots.length, is.slots.length);
  for (let slot = 0; slot < slotCount; slot += 1) {
    count += Number(!sameValue(was.slots[slot], is.slots[slot]));
  }
  const wasFree = new Set(was.free);
  const isFree = new Set(is.free);
  count += [...wasFree].filter((slot) => !isFree.has(slot)).length;
  count += [...isFree].filter((slot) => !wasFree.has(slot)).length;
  const keys = new Set([...was.minted.keys(), ...is.minted.keys()]);
  for (const key of keys) {
    count += Number(!sameValue(was.minted.get(key), is.minted.get(key)));
  }
  return count;
};

export const constantCostRevocation: Invariant = {
  id: 'INV-09',
  name: 'constant-cost-revocation',
  statement: `A revoke changes at most ${REVOKE_CHANGED_ENTRIES_MAX} state entries (the slot's version and its free-list entry), whatever the number of capabilities derived below the slot.`,
  check: (trace) =>
    succeeded(trace, 'revoke').flatMap(({ step }) => {
      const count = changedEntries(step.before, step.after);
      return count > REVOKE_CHANGED_ENTRIES_MAX
        ? [{ invariant: 'INV-09', step: step.index, message: `revoke changed ${count} state entries` }]
        : [];
    }),
};
