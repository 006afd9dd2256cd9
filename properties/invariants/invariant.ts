/**
 * What an invariant is: a named, numbered predicate over a recorded history. `check` returns
 * every violation it finds, each pointing at the step where it shows.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import { ownerOf, type Capability, type Input, type ModelOps, type NodeId, type State } from '../../model/index.ts';
import type { Step, Trace } from '../history/run.ts';

export interface Violation {
  readonly invariant: string;
  /** Index of the step in the history where the violation shows. */
  readonly step: number;
  readonly message: string;
}

export interface Invariant {
  /** Stable identifier, `INV-NN`. */
  readonly id: string;
  readonly name: string;
  /** The property in one or two plain sentences. */
  readonly statement: string;
  readonly check: (trace: Trace, ops: ModelOps) => ReadonlyArray<Violation>;
}

/** Result of reading a capability in a state: `ok:<value>` or the refusal's tag. */
export const probe = (ops: ModelOps, state: State, cap: Capability): string => {
  const outcome = ops.invoke(state, { cap, action: { kind: 'read' } });
  if (E.isLeft(outcome)) {
    return outcome.left._tag;
  }
  const result = outcome.right[1];
  return result.kind === 'read' ? `ok:${result.value}` : 'ok';
};

/** Returns the node whose shard an input reads and writes. */
export const ownerOfInput = (input: Input): NodeId => {
  switch (input.op) {
    case 'create':
    case 'crash':
    case 'restart':
      return input.node;
    case 'attenuate':
    case 'derive':
    case 'invoke':
      return ownerOf(input.cap.object);
    case 'revoke':
      return ownerOf(input.revoker.object);
  }
};

export const isUp = (state: State, node: NodeId): boolean => state.nodes.get(node)?.status === 'up';

/** Capabilities the history held when the step ran. */
export const heldBefore = (trace: Trace, step: Step): ReadonlyArray<Capability> =>
  trace.capabilities.slice(0, step.capabilitiesHeld);

/** Successful steps of the given operation, with their inputs narrowed. */
export const succeeded = <Op extends Input['op']>(
  trace: Trace,
  op: Op,
): ReadonlyArray<{ readonly step: Step; readonly input: Extract<Input, { op: Op }> }> =>
  trace.steps.flatMap((step) =>
    step.input !== null && step.input.op === op && step.result !== null && E.isRight(step.result)
      ? [{ step, input: step.input as Extract<Input, { op: Op }> }]
      : [],
  );

export const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);
