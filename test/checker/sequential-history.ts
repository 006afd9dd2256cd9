/**
 * Recorded histories that are linearizable by construction: commands run one at a time on the
 * model, the i-th at time `POINT_SPACING_MS * i`, and each recorded interval contains that time.
 * Some requests are lost before the owner applies them and some responses are lost after, and both
 * are recorded as indeterminate. The sequential run is then a linearization of every object.
 */
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  ALL_RIGHTS,
  initialState,
  nodeId,
  referenceModel,
  rightsOf,
  step,
  type Capability,
  type Input,
  type NodeId,
  type ObjectId,
  type Revoker,
  type Rights,
  type State,
} from '../../model/index.ts';
import type { ObjectInput, RecordedCreation, RecordedHistory, RecordedOp, RecordedOutcome } from '../../properties/checker/index.ts';

const POINT_SPACING_MS = 10;

/** The network's handling of one request: delivered with its response, lost before the owner, or applied with its response lost. */
export type Fate = 'responded' | 'request-lost' | 'response-lost';

export type Action =
  | { readonly kind: 'create'; readonly node: number; readonly value: string }
  | { readonly kind: 'attenuate'; readonly cap: number; readonly rights: Rights }
  | { readonly kind: 'derive'; readonly cap: number; readonly rights: Rights }
  | { readonly kind: 'revoke'; readonly revoker: number }
  | { readonly kind: 'read'; readonly cap: number }
  | { readonly kind: 'write'; readonly cap: number; readonly value: string }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number };

export interface Command {
  readonly action: Action;
  readonly fate: Fate;
  readonly client: number;
  /** How long before its linearization point the request was sent, in ms. */
  readonly leadMs: number;
  /** How long after its linearization point the response (or the client's timeout) came, in ms. */
  readonly lagMs: number;
  /** For an indeterminate operation, whether the client recorded no end at all. */
  readonly endless: boolean;
}

export interface Plan {
  readonly nodeCount: number;
  readonly commands: ReadonlyArray<Command>;
}

export interface SequentialRun {
  readonly history: RecordedHistory;
  /** Ids of determinate reads that returned a value. */
  readonly okReads: ReadonlyArray<number>;
  /** Ids of indeterminate operations that took effect. */
  readonly appliedWithoutResponse: ReadonlyArray<number>;
}

const rightsArbitrary = fc.subarray([...ALL_RIGHTS]).map((list) => rightsOf(...list));
const valueArbitrary = fc.string({ maxLength: 4 });
const poolIndex = fc.nat({ max: 31 });

const actionArbitrary = (nodeCount: number): fc.Arbitrary<Action> => {
  const node = fc.nat({ max: nodeCount - 1 });
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), node, value: valueArbitrary }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('attenuate' as const), cap: poolIndex, rights: rightsArbitrary }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('derive' as const), cap: poolIndex, rights: rightsArbitrary }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), revoker: poolIndex }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('read' as const), cap: poolIndex }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), cap: poolIndex, value: valueArbitrary }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), node }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) },
  );
};

const fateArbitrary: fc.Arbitrary<Fate> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('responded' as const) },
  { weight: 1, arbitrary: fc.constant('request-lost' as const) },
  { weight: 1, arbitrary: fc.constant('response-lost' as const) },
);

/**
 * Plans of up to `commandCountMax` commands. Each plan draws a maximum spread: below half the
 * point spacing the intervals never overlap, and above it neighbouring operations run concurrently.
 */
export const planArbitrary = (commandCountMax: number, spreadsMs: ReadonlyArray<number>): fc.Arbitrary<Plan> =>
  fc.record({ nodeCount: fc.integer({ min: 1, max: 2 }), spreadMs: fc.constantFrom(...spreadsMs) }).chain(({ nodeCount, spreadMs }) =>
    fc.record({
      nodeCount: fc.constant(nodeCount),
      commands: fc.array(
        fc.record({
          action: actionArbitrary(nodeCount),
          fate: fateArbitrary,
          client: fc.nat({ max: 3 }),
          leadMs: fc.nat({ max: spreadMs }),
          lagMs: fc.nat({ max: spreadMs }),
          endless: fc.boolean(),
        }),
        { minLength: 1, maxLength: commandCountMax, size: 'max' },
      ),
    }),
  );

const pick = <T>(pool: ReadonlyArray<T>, index: number): T | undefined => pool[index % Math.max(pool.length, 1)];

const nodeName = (index: number): NodeId => nodeId(`n${index}`);

/** Resolves an action to the model input it sends, or `null` when it refers to an empty pool. */
const resolve = (action: Action, caps: ReadonlyArray<Capability>, revokers: ReadonlyArray<Revoker>): Input | null => {
  switch (action.kind) {
    case 'create':
      return { op: 'create', node: nodeName(action.node), value: action.value };
    case 'crash':
    case 'restart':
      return { op: action.kind, node: nodeName(action.node) };
    case 'revoke': {
      const revoker = pick(revokers, action.revoker);
      return revoker === undefined ? null : { op: 'revoke', revoker };
    }
    default: {
      const cap = pick(caps, action.cap);
      if (cap === undefined) {
        return null;
      }
      if (action.kind === 'read') {
        return { op: 'invoke', cap, action: { kind: 'read' } };
      }
      if (action.kind === 'write') {
        return { op: 'invoke', cap, action: { kind: 'write', value: action.value } };
      }
      return { op: action.kind, cap, rights: action.rights };
    }
  }
};

const isObjectInput = (input: Input): input is ObjectInput => input.op === 'derive' || input.op === 'revoke' || input.op === 'invoke';

const objectOf = (input: ObjectInput): ObjectId => (input.op === 'revoke' ? input.revoker.object : input.cap.object);

/** Runs a plan on the reference model and records what its clients would have seen. */
export const runSequential = (plan: Plan): SequentialRun => {
  let state: State = initialState(Array.from({ length: plan.nodeCount }, (_, index) => nodeName(index)));
  const caps: Capability[] = [];
  const revokers: Revoker[] = [];
  const creations: RecordedCreation[] = [];
  const ops: RecordedOp[] = [];
  const okReads: number[] = [];
  const appliedWithoutResponse: number[] = [];

  plan.commands.forEach((command, index) => {
    const input = resolve(command.action, caps, revokers);
    if (input === null) {
      return;
    }
    const point = POINT_SPACING_MS * (index + 1);
    const start = point - command.leadMs;
    const end = point + command.lagMs;
    const responded = command.fate === 'responded';

    // A lost create request changes nothing. Crash, restart and the offline attenuate have no fate.
    const applied = command.fate !== 'request-lost' || input.op === 'attenuate' || input.op === 'crash' || input.op === 'restart';
    const result = applied ? step(referenceModel, state, input) : null;
    if (result !== null && E.isRight(result)) {
      state = result.right[0];
    }

    if (!isObjectInput(input)) {
      const output = result !== null && E.isRight(result) ? result.right[1] : null;
      if ((responded || input.op === 'attenuate') && output !== null && (output.op === 'create' || output.op === 'attenuate')) {
        caps.push(output.cap);
      }
      if (responded && output?.op === 'create' && input.op === 'create') {
        revokers.push(output.revoker);
        creations.push({ object: output.object, owner: input.node, value: input.value, start, end });
      }
      return;
    }

    let outcome: RecordedOutcome = { kind: 'indeterminate' };
    if (responded && result !== null) {
      outcome = E.isLeft(result) ? { kind: 'refused', refusal: result.left } : { kind: 'ok', output: result.right[1] };
    }
    const recordedEnd = !responded && command.endless ? null : end;
    ops.push({ id: index, client: `c${command.client}`, object: objectOf(input), input, start, end: recordedEnd, outcome });

    if (outcome.kind === 'ok' && outcome.output.op === 'derive') {
      caps.push(outcome.output.cap);
      revokers.push(outcome.output.revoker);
    }
    if (outcome.kind === 'ok' && outcome.output.op === 'invoke' && outcome.output.result.kind === 'read') {
      okReads.push(index);
    }
    if (!responded && result !== null && E.isRight(result)) {
      appliedWithoutResponse.push(index);
    }
  });

  return { history: { creations, ops }, okReads, appliedWithoutResponse };
};
