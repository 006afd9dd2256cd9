/**
 * The state of a whole cluster, sharded by owner: each node's entry holds everything about the
 * objects it owns, and nothing about any other node's objects. No entry is shared between nodes,
 * so an operation on an object reads and writes its owner's entry only.
 */
import { invariant } from './defect.ts';
import type { SlotId } from './capability.ts';
import { ownerOf, type NodeId, type ObjectId } from './ids.ts';
import type { Rights } from './rights.ts';

export interface ParentLink {
  readonly slot: SlotId;
  /** Version of the parent slot when this slot was allocated under it. */
  readonly version: number;
}

export interface Slot {
  /** Current version. A capability minted at an older version is revoked. */
  readonly version: number;
  /** Distance from the root slot, which has depth 0. */
  readonly depth: number;
  /** Parent slot of the current incarnation; `null` for the root slot. */
  readonly parent: ParentLink | null;
}

export interface ObjectState {
  /** The object's register: `read` returns it, `write` replaces it. */
  readonly value: string;
  /** Revocation slots, indexed by slot id. Slot 0 is the root. */
  readonly slots: ReadonlyArray<Slot>;
  /** Revoked slots that a later derivation may reuse at their bumped version, in ascending order. */
  readonly free: ReadonlyArray<SlotId>;
  /** Base rights of every capability the owner minted, by incarnation key `slot@version`. */
  readonly minted: ReadonlyMap<string, Rights>;
}

export type NodeStatus = 'up' | 'crashed';

export interface NodeState {
  readonly status: NodeStatus;
  /** Serial the next object created on this node gets. */
  readonly nextSerial: number;
  readonly objects: ReadonlyMap<ObjectId, ObjectState>;
}

export interface State {
  readonly nodes: ReadonlyMap<NodeId, NodeState>;
}

/** Returns the state of a fresh cluster whose nodes are all up and own no objects. */
export const initialState = (nodes: ReadonlyArray<NodeId>): State => {
  if (new Set(nodes).size !== nodes.length) {
    throw new TypeError(`duplicate node id in ${JSON.stringify(nodes)}: give every node a distinct id`);
  }
  const entries = nodes.map((node): [NodeId, NodeState] => [node, { status: 'up', nextSerial: 0, objects: new Map() }]);
  return { nodes: new Map(entries) };
};

export const nodeIds = (state: State): ReadonlyArray<NodeId> => [...state.nodes.keys()];

export const findObject = (state: State, object: ObjectId): ObjectState | undefined =>
  state.nodes.get(ownerOf(object))?.objects.get(object);

/** Returns a state whose entry for `node` is replaced. */
export const withNode = (state: State, node: NodeId, entry: NodeState): State => {
  const nodes = new Map(state.nodes);
  nodes.set(node, entry);
  return { nodes };
};

/** Returns a state whose entry for `object` is replaced; the object's owner must exist. */
export const withObject = (state: State, object: ObjectId, entry: ObjectState): State => {
  const owner = ownerOf(object);
  const node = state.nodes.get(owner);
  invariant(node !== undefined, `withObject on ${object}, whose owner ${owner} is not in the state`);
  const objects = new Map(node.objects);
  objects.set(object, entry);
  return withNode(state, owner, { ...node, objects });
};
