/**
 * Deliberately broken variants of the model, each one small change to one operation. The
 * broken-variant tests run every invariant against them and expect a counterexample, which shows
 * the invariants can fail. Each variant names the invariant it is meant to break.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  effectiveRights,
  forged,
  hasRight,
  incarnationKey,
  liveOwner,
  missingRight,
  ownerOf,
  referenceModel,
  revoked,
  withNode,
  withObject,
  type Capability,
  type ModelOps,
  type NodeState,
  type ObjectState,
  type Right,
  type Slot,
  type State,
} from '../model/index.ts';

export interface ModelVariant {
  readonly name: string;
  readonly description: string;
  /** Id of the invariant this variant is meant to break. */
  readonly breaks: string;
  readonly ops: ModelOps;
}

const objectEntry = (state: State, cap: Pick<Capability, 'object'>): ObjectState | undefined =>
  state.nodes.get(ownerOf(cap.object))?.objects.get(cap.object);

const mapObjects = (node: NodeState, change: (entry: ObjectState) => ObjectState): NodeState => {
  const objects = new Map([...node.objects].map(([object, entry]) => [object, change(entry)] as const));
  return { ...node, objects };
};

/** Attenuation that adds the requested rights to the base rights instead of narrowing. */
const attenuateUnionsRights: ModelOps['attenuate'] = (state, input) => {
  const rights = [...new Set<Right>([...input.cap.rights, ...input.rights])].sort();
  const caveat = [...new Set<Right>([...effectiveRights(input.cap), ...input.rights])].sort();
  return E.right([state, { cap: { ...input.cap, rights, caveats: [...input.cap.caveats, caveat] } }] as const);
};

/** A guard that compares the capability's own slot version and never walks up to the ancestors. */
const invokeWithoutCascade: ModelOps['invoke'] = (state, input) => {
  const owner = liveOwner(state, input.cap.object);
  if (E.isLeft(owner)) {
    return owner;
  }
  const entry = owner.right.objects.get(input.cap.object);
  const mintedRights = entry?.minted.get(incarnationKey(input.cap.slot, input.cap.version));
  if (entry === undefined || mintedRights === undefined || mintedRights.join() !== input.cap.rights.join()) {
    return E.left(forged(input.cap.object));
  }
  if (entry.slots[input.cap.slot]?.version !== input.cap.version) {
    return E.left(revoked(input.cap, input.cap.slot));
  }
  const held = effectiveRights(input.cap);
  if (!hasRight(held, input.action.kind)) {
    return E.left(missingRight(input.action.kind, held));
  }
  if (input.action.kind === 'read') {
    return E.right([state, { kind: 'read', value: entry.value }] as const);
  }
  return E.right([withObject(state, input.cap.object, { ...entry, value: input.action.value }), { kind: 'write' }] as const);
};

/** Revokes like the model, then also bumps the parent slot of the revoked one. */
const revokeBumpsParent: ModelOps['revoke'] = (state, input) => {
  const result = referenceModel.revoke(state, input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  const entry = objectEntry(next, input.revoker);
  const parent = entry?.slots[input.revoker.slot]?.parent;
  if (entry === undefined || parent === undefined || parent === null) {
    return result;
  }
  const slots = [...entry.slots];
  slots[parent.slot] = { ...(slots[parent.slot] as Slot), version: parent.version + 1 };
  return E.right([withObject(next, input.revoker.object, { ...entry, slots }), output] as const);
};

/** A restart that reloads every slot at the first version it was minted at, forgetting revocations. */
const restartForgetsRevocations: ModelOps['restart'] = (state, input) => {
  const result = referenceModel.restart(state, input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  const node = next.nodes.get(input.node) as NodeState;
  const reloaded = mapObjects(node, (entry) => {
    const firstVersions = new Map<number, number>();
    for (const key of entry.minted.keys()) {
      const [slot, version] = key.split('@').map(Number) as [number, number];
      firstVersions.set(slot, Math.min(version, firstVersions.get(slot) ?? version));
    }
    const slots = entry.slots.map((slot, index) => ({ ...slot, version: firstVersions.get(index) ?? slot.version }));
    return { ...entry, slots, free: [] };
  });
  return E.right([withNode(next, input.node, reloaded), output] as const);
};

/** Invokes as if a crashed owner were up. */
const invokeIgnoresOwnerStatus: ModelOps['invoke'] = (state, input) => {
  const owner = ownerOf(input.cap.object);
  const entry = state.nodes.get(owner);
  if (entry === undefined || entry.status === 'up') {
    return referenceModel.invoke(state, input);
  }
  const result = referenceModel.invoke(withNode(state, owner, { ...entry, status: 'up' }), input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  return E.right([withNode(next, owner, { ...(next.nodes.get(owner) as NodeState), status: 'crashed' }), output] as const);
};

/** Crashes every node with the one named, as if all shared one process. */
const crashTakesEveryNode: ModelOps['crash'] = (state, input) => {
  const result = referenceModel.crash(state, input);
  if (E.isLeft(result)) {
    return result;
  }
  const nodes = new Map([...state.nodes].map(([node, entry]) => [node, { ...entry, status: 'crashed' as const }]));
  return E.right([{ nodes }, result.right[1]] as const);
};

/** Crashes the node and empties its objects' values, as if writes were acknowledged before their sync. */
const crashDropsValues: ModelOps['crash'] = (state, input) => {
  const result = referenceModel.crash(state, input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  const node = next.nodes.get(input.node) as NodeState;
  return E.right([withNode(next, input.node, mapObjects(node, (entry) => ({ ...entry, value: '' }))), output] as const);
};

/** Object serials drawn from one cluster-wide counter, as a central allocator would. */
const createWithCentralSerial: ModelOps['create'] = (state, input) => {
  const node = state.nodes.get(input.node);
  if (node === undefined) {
    return referenceModel.create(state, input);
  }
  const central = [...state.nodes.values()].reduce((sum, entry) => sum + entry.nextSerial, 0);
  return referenceModel.create(withNode(state, input.node, { ...node, nextSerial: central }), input);
};

/** Revokes and also bumps every slot below the revoked one: the outcomes stay correct, but the cost grows with the descendants. */
const revokeEagerly: ModelOps['revoke'] = (state, input) => {
  const result = referenceModel.revoke(state, input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  const entry = objectEntry(next, input.revoker) as ObjectState;
  const slots = [...entry.slots];
  const below = (index: number): boolean => {
    let parent = slots[index]?.parent ?? null;
    while (parent !== null) {
      if (parent.slot === input.revoker.slot && parent.version === input.revoker.version) {
        return true;
      }
      parent = slots[parent.slot]?.parent ?? null;
    }
    return false;
  };
  const bumped = slots.map((slot, index) => (below(index) ? { ...slot, version: slot.version + 1 } : slot));
  return E.right([withObject(next, input.revoker.object, { ...entry, slots: bumped }), output] as const);
};

/** A guard whose minted check compares slot and version but not the rights, as a MAC that skips the rights field would. */
const invokeIgnoresMintedRights: ModelOps['invoke'] = (state, input) => {
  const entry = objectEntry(state, input.cap);
  const key = incarnationKey(input.cap.slot, input.cap.version);
  if (entry === undefined || !entry.minted.has(key) || !state.nodes.has(ownerOf(input.cap.object))) {
    return referenceModel.invoke(state, input);
  }
  const minted = new Map(entry.minted).set(key, input.cap.rights);
  const patched = withObject(state, input.cap.object, { ...entry, minted });
  const result = referenceModel.invoke(patched, input);
  if (E.isLeft(result)) {
    return result;
  }
  const [next, output] = result.right;
  const value = (objectEntry(next, input.cap) as ObjectState).value;
  return E.right([withObject(state, input.cap.object, { ...entry, value }), output] as const);
};

const variant = (
  name: string,
  breaks: string,
  description: string,
  replaced: Partial<ModelOps>,
): ModelVariant => ({ name, breaks, description, ops: { ...referenceModel, ...replaced } });

export const MODEL_VARIANTS: ReadonlyArray<ModelVariant> = [
  variant('attenuate-unions-rights', 'INV-01', 'attenuation adds rights instead of narrowing', {
    attenuate: attenuateUnionsRights,
  }),
  variant('revoke-does-not-cascade', 'INV-02', 'the guard checks only the capability slot, not its ancestors', {
    invoke: invokeWithoutCascade,
  }),
  variant('revoke-bumps-parent', 'INV-03', 'revoking a slot also revokes its parent', { revoke: revokeBumpsParent }),
  variant('restart-forgets-revocations', 'INV-04', 'restart reloads slots at their first version', {
    restart: restartForgetsRevocations,
  }),
  variant('invoke-ignores-owner-status', 'INV-05', 'a crashed owner still serves invokes', {
    invoke: invokeIgnoresOwnerStatus,
  }),
  variant('crash-takes-every-node', 'INV-06', 'crashing one node crashes every node', { crash: crashTakesEveryNode }),
  variant('crash-drops-values', 'INV-07', "a crash loses the node's object values", { crash: crashDropsValues }),
  variant('central-serial-counter', 'INV-08', 'object serials come from one cluster-wide counter', {
    create: createWithCentralSerial,
  }),
  variant('revoke-eagerly', 'INV-09', 'revoke bumps every descendant slot', { revoke: revokeEagerly }),
  variant('invoke-ignores-minted-rights', 'INV-10', 'the minted check ignores the rights field', {
    invoke: invokeIgnoresMintedRights,
  }),
];
