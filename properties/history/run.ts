/**
 * Runs an abstract history against a set of model operations and records every step. The runner
 * resolves pool indices to concrete capabilities and revokers, makes forged ones by mutating what
 * it holds, and keeps the oracle's view before every step. Invariants read the resulting trace.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  ALL_RIGHTS,
  initialState,
  nodeId,
  objectId,
  ownerOf,
  step,
  type Capability,
  type Input,
  type ModelOps,
  type NodeId,
  type Output,
  type Refusal,
  type Revoker,
  type State,
} from '../../model/index.ts';
import { initialOracle, observe, type OracleState } from '../oracle.ts';
import type { Command, History } from './command.ts';

export interface Step {
  readonly index: number;
  readonly command: Command;
  /** The model input the command resolved to; `null` when it resolved to nothing (empty pool, forge). */
  readonly input: Input | null;
  readonly before: State;
  readonly after: State;
  readonly result: E.Either<Refusal, Output> | null;
  /** Pool sizes before the step, so invariants can look at what was held at that time. */
  readonly capabilitiesHeld: number;
  readonly revokersHeld: number;
  /** The oracle's view before the step. */
  readonly oracle: OracleState;
}

export interface Trace {
  readonly nodes: ReadonlyArray<NodeId>;
  readonly initial: State;
  readonly steps: ReadonlyArray<Step>;
  /** Every capability and revoker the history obtained or forged, in order. */
  readonly capabilities: ReadonlyArray<Capability>;
  readonly revokers: ReadonlyArray<Revoker>;
  readonly finalOracle: OracleState;
}

/** A node id that no history's cluster contains. */
const UNKNOWN_NODE = nodeId('unknown');

export const nodeNames = (count: number): ReadonlyArray<NodeId> =>
  Array.from({ length: count }, (_, index) => nodeId(`n${index}`));

export const runHistory = (ops: ModelOps, history: History): Trace => {
  const nodes = nodeNames(history.nodeCount);
  const initial = initialState(nodes);
  const capabilities: Capability[] = [];
  const revokers: Revoker[] = [];
  const steps: Step[] = [];
  let state = initial;
  let oracle = initialOracle(nodes);

  history.commands.forEach((command, index) => {
    const capabilitiesHeld = capabilities.length;
    const revokersHeld = revokers.length;
    const input = resolve(command, nodes, capabilities, revokers);
    const before = state;
    let result: E.Either<Refusal, Output> | null = null;

    if (input !== null) {
      const outcome = step(ops, state, input);
      if (E.isRight(outcome)) {
        state = outcome.right[0];
        result = E.right(outcome.right[1]);
        collect(outcome.right[1], capabilities, revokers);
      } else {
        result = outcome;
      }
    } else {
      forge(command, capabilities, revokers);
    }

    steps.push({ index, command, input, before, after: state, result, capabilitiesHeld, revokersHeld, oracle });
    if (input !== null && result !== null && E.isRight(result)) {
      oracle = observe(oracle, input, result.right);
    }
  });

  return { nodes, initial, steps, capabilities, revokers, finalOracle: oracle };
};

/** Picks from a pool by index modulo its size, so -1 is the newest entry. */
const pick = <T>(pool: ReadonlyArray<T>, index: number): T | undefined =>
  pool.length === 0 ? undefined : pool[((index % pool.length) + pool.length) % pool.length];

const resolve = (
  command: Command,
  nodes: ReadonlyArray<NodeId>,
  capabilities: ReadonlyArray<Capability>,
  revokers: ReadonlyArray<Revoker>,
): Input | null => {
  switch (command.kind) {
    case 'create':
      return { op: 'create', node: nodes[command.node % nodes.length] as NodeId, value: command.value };
    case 'crash':
    case 'restart':
      return { op: command.kind, node: nodes[command.node % nodes.length] as NodeId };
    case 'attenuate':
    case 'derive': {
      const held = pick(capabilities, command.cap);
      return held === undefined ? null : { op: command.kind, cap: held, rights: command.rights };
    }
    case 'read':
    case 'write': {
      const held = pick(capabilities, command.cap);
      if (held === undefined) {
        return null;
      }
      const action = command.kind === 'read' ? { kind: 'read' as const } : { kind: 'write' as const, value: command.value };
      return { op: 'invoke', cap: held, action };
    }
    case 'revoke': {
      const held = pick(revokers, command.revoker);
      return held === undefined ? null : { op: 'revoke', revoker: held };
    }
    case 'forge-capability':
    case 'forge-revoker':
      return null;
  }
};

const collect = (output: Output, capabilities: Capability[], revokers: Revoker[]): void => {
  if (output.op === 'create' || output.op === 'derive') {
    capabilities.push(output.cap);
    revokers.push(output.revoker);
  } else if (output.op === 'attenuate') {
    capabilities.push(output.cap);
  }
};

const forge = (command: Command, capabilities: Capability[], revokers: Revoker[]): void => {
  if (command.kind === 'forge-capability') {
    const cap = pick(capabilities, command.cap);
    if (cap === undefined) {
      return;
    }
    const forgedCap: Capability =
      command.mutation === 'amplify-rights'
        ? { ...cap, rights: ALL_RIGHTS }
        : command.mutation === 'bump-version'
          ? { ...cap, version: cap.version + 1 }
          : command.mutation === 'other-slot'
            ? { ...cap, slot: cap.slot + 1 }
            : command.mutation === 'unknown-object'
              ? { ...cap, object: objectId(ownerOf(cap.object), 1_000_000) }
              : { ...cap, object: objectId(UNKNOWN_NODE, 0) };
    capabilities.push(forgedCap);
    return;
  }
  if (command.kind === 'forge-revoker') {
    const held = pick(revokers, command.revoker);
    if (held !== undefined) {
      revokers.push({ ...held, version: held.version + 1 });
    }
  }
};
