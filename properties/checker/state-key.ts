/**
 * A compact string that two model states share exactly when they are equal, for memoizing the
 * search. It covers every field of every node and object, so it stays exact for a broken model
 * variant that changes more than the object's entry.
 */
import type { NodeState, ObjectState, State } from '../../model/index.ts';

const objectKey = (entry: ObjectState): string => {
  const slots = entry.slots.map((slot) => (slot.parent === null ? `${slot.version}:${slot.depth}` : `${slot.version}:${slot.depth}:${slot.parent.slot}@${slot.parent.version}`));
  // Insertion order of `minted` depends on the order of derivations, which equal states need not share.
  const minted = [...entry.minted].map(([incarnation, rights]) => `${incarnation}=${rights.join('+')}`).sort();
  return `${JSON.stringify(entry.value)} ${slots.join(',')} ${entry.free.join(',')} ${minted.join(',')}`;
};

const nodeKey = (node: NodeState): string => {
  const objects = [...node.objects].map(([object, entry]) => `${object}{${objectKey(entry)}}`).sort();
  return `${node.status} ${node.nextSerial} ${objects.join(' ')}`;
};

export const stateKey = (state: State): string => {
  const nodes = [...state.nodes].map(([node, entry]) => `${node}[${nodeKey(entry)}]`).sort();
  return nodes.join(' ');
};

/** Numbers distinct states in the order they are first seen, so memo keys stay short. */
export class StateIds {
  private readonly ids = new Map<string, number>();

  idOf(state: State): number {
    const key = stateKey(state);
    const known = this.ids.get(key);
    if (known !== undefined) {
      return known;
    }
    this.ids.set(key, this.ids.size);
    return this.ids.size - 1;
  }
}
