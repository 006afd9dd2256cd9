/**
 * An independent statement of what every operation should return, written without the model's
 * slot tree. It remembers, from the outputs the system under test returned, which capabilities
 * were minted and the lineage of each (the slot incarnations its chain passes through). A
 * capability is valid exactly when it was minted and no incarnation in its lineage was revoked.
 * The guard-related invariants compare the model against this second formulation.
 */
import {
  CAVEATS_MAX,
  SLOT_DEPTH_MAX,
  VALUE_LENGTH_MAX,
  effectiveRights,
  hasRight,
  isSubset,
  ownerOf,
  rightsOf,
  type Capability,
  type Input,
  type NodeId,
  type ObjectId,
  type Output,
  type RefusalTag,
  type Revoker,
} from '../model/index.ts';

/** The expected outcome of one input: `ok` (with the value a read returns) or a refusal tag. */
export type Expected = { readonly tag: 'ok'; readonly value?: string } | { readonly tag: RefusalTag };

export interface OracleState {
  readonly up: ReadonlyMap<NodeId, boolean>;
  readonly values: ReadonlyMap<ObjectId, string>;
  /** Lineage of every minted capability, by `object#slot@version:rights`. */
  readonly minted: ReadonlyMap<string, ReadonlyArray<string>>;
  /** Every minted incarnation `object#slot@version`. */
  readonly incarnations: ReadonlySet<string>;
  /** Revoked incarnations `object#slot@version`. */
  readonly revoked: ReadonlySet<string>;
}

export const incarnationOf = (item: Pick<Capability, 'object' | 'slot' | 'version'>): string =>
  `${item.object}#${item.slot}@${item.version}`;

const mintedKey = (cap: Capability): string => `${incarnationOf(cap)}:${cap.rights.join(',')}`;

export const initialOracle = (nodes: ReadonlyArray<NodeId>): OracleState => ({
  up: new Map(nodes.map((node) => [node, true])),
  values: new Map(),
  minted: new Map(),
  incarnations: new Set(),
  revoked: new Set(),
});

/** Returns the lineage of a capability when it was minted, `undefined` for a forged one. */
export const lineageOf = (oracle: OracleState, cap: Capability): ReadonlyArray<string> | undefined =>
  oracle.minted.get(mintedKey(cap));

export const isGenuine = (oracle: OracleState, cap: Capability): boolean => oracle.minted.has(mintedKey(cap));

export const isGenuineRevoker = (oracle: OracleState, revoker: Revoker): boolean =>
  oracle.incarnations.has(incarnationOf(revoker));

/** True when a minted capability has a revoked incarnation in its lineage. */
export const isRevoked = (oracle: OracleState, cap: Capability): boolean =>
  (lineageOf(oracle, cap) ?? []).some((incarnation) => oracle.revoked.has(incarnation));

const ownerRefusal = (oracle: OracleState, node: NodeId): Expected | null => {
  const up = oracle.up.get(node);
  if (up === undefined) {
    return { tag: 'UnknownNode' };
  }
  return up ? null : { tag: 'OwnerUnavailable' };
};

/** Returns the outcome the specification requires for `input` in the oracle's state. */
export const expectedOutcome = (oracle: OracleState, input: Input): Expected => {
  switch (input.op) {
    case 'create': {
      const refusal = ownerRefusal(oracle, input.node);
      if (refusal !== null) {
        return refusal;
      }
      return input.value.length > VALUE_LENGTH_MAX ? { tag: 'ValueTooLarge' } : { tag: 'ok' };
    }
    case 'attenuate': {
      if (!isSubset(rightsOf(...input.rights), effectiveRights(input.cap))) {
        return { tag: 'RightsExceeded' };
      }
      return input.cap.caveats.length + 1 > CAVEATS_MAX ? { tag: 'TooManyCaveats' } : { tag: 'ok' };
    }
    case 'derive':
      return expectedDerive(oracle, input.cap, input.rights);
    case 'revoke': {
      const refusal = ownerRefusal(oracle, ownerOf(input.revoker.object));
      if (refusal !== null) {
        return refusal;
      }
      return isGenuineRevoker(oracle, input.revoker) ? { tag: 'ok' } : { tag: 'Forged' };
    }
    case 'invoke':
      return expectedInvoke(oracle, input);
    case 'crash':
    case 'restart': {
      const up = oracle.up.get(input.node);
      if (up === undefined) {
        return { tag: 'UnknownNode' };
      }
      if (input.op === 'crash') {
        return up ? { tag: 'ok' } : { tag: 'AlreadyCrashed' };
      }
      return up ? { tag: 'NotCrashed' } : { tag: 'ok' };
    }
  }
};

const guardRefusal = (oracle: OracleState, cap: Capability): Expected | null => {
  const refusal = ownerRefusal(oracle, ownerOf(cap.object));
  if (refusal !== null) {
    return refusal;
  }
  if (!isGenuine(oracle, cap)) {
    return { tag: 'Forged' };
  }
  return isRevoked(oracle, cap) ? { tag: 'Revoked' } : null;
};

const expectedDerive = (oracle: OracleState, cap: Capability, rights: Capability['rights']): Expected => {
  const refusal = guardRefusal(oracle, cap);
  if (refusal !== null) {
    return refusal;
  }
  const held = effectiveRights(cap);
  if (!hasRight(held, 'grant')) {
    return { tag: 'MissingRight' };
  }
  if (!isSubset(rightsOf(...rights), held)) {
    return { tag: 'RightsExceeded' };
  }
  // The root's lineage has one incarnation and depth 0, so a child's depth is the parent's lineage length.
  const depth = (lineageOf(oracle, cap) ?? []).length;
  return depth > SLOT_DEPTH_MAX ? { tag: 'DepthExceeded' } : { tag: 'ok' };
};

const expectedInvoke = (oracle: OracleState, input: Extract<Input, { op: 'invoke' }>): Expected => {
  const refusal = guardRefusal(oracle, input.cap);
  if (refusal !== null) {
    return refusal;
  }
  const held = effectiveRights(input.cap);
  if (input.action.kind === 'read') {
    if (!hasRight(held, 'read')) {
      return { tag: 'MissingRight' };
    }
    return { tag: 'ok', value: oracle.values.get(input.cap.object) ?? '' };
  }
  if (!hasRight(held, 'write')) {
    return { tag: 'MissingRight' };
  }
  return input.action.value.length > VALUE_LENGTH_MAX ? { tag: 'ValueTooLarge' } : { tag: 'ok' };
};

/** Folds an observed successful step into the oracle, taking new ids from the observed output. */
export const observe = (oracle: OracleState, input: Input, output: Output): OracleState => {
  switch (output.op) {
    case 'create': {
      if (input.op !== 'create') {
        return oracle;
      }
      const lineage = [incarnationOf(output.cap)];
      return {
        ...oracle,
        values: new Map(oracle.values).set(output.object, input.value),
        minted: new Map(oracle.minted).set(mintedKey(output.cap), lineage),
        incarnations: new Set(oracle.incarnations).add(incarnationOf(output.revoker)),
      };
    }
    case 'derive': {
      const parent = input.op === 'derive' ? lineageOf(oracle, input.cap) : undefined;
      const lineage = [...(parent ?? []), incarnationOf(output.cap)];
      return {
        ...oracle,
        minted: new Map(oracle.minted).set(mintedKey(output.cap), lineage),
        incarnations: new Set(oracle.incarnations).add(incarnationOf(output.revoker)),
      };
    }
    case 'revoke':
      return input.op === 'revoke'
        ? { ...oracle, revoked: new Set(oracle.revoked).add(incarnationOf(input.revoker)) }
        : oracle;
    case 'invoke':
      if (input.op === 'invoke' && input.action.kind === 'write') {
        return { ...oracle, values: new Map(oracle.values).set(input.cap.object, input.action.value) };
      }
      return oracle;
    case 'crash':
    case 'restart':
      return input.op === output.op ? { ...oracle, up: new Map(oracle.up).set(input.node, output.op === 'restart') } : oracle;
    case 'attenuate':
      return oracle;
  }
};
