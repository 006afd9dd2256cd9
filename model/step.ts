/**
 * The model's operations as one record, and a single `step` over a tagged input. Histories, the
 * property suite and the broken variants all go through a `ModelOps` record, so a variant is the
 * reference record with one operation replaced.
 */
import * as E from 'fp-ts/lib/Either.js';
import { attenuate, type AttenuateInput, type AttenuateOutput } from './ops/attenuate.ts';
import { create, type CreateInput, type CreateOutput } from './ops/create.ts';
import { derive, type DeriveInput, type DeriveOutput } from './ops/derive.ts';
import { invoke, type InvokeInput, type InvokeOutput } from './ops/invoke.ts';
import { crash, restart, type LifecycleOutput, type NodeInput } from './ops/lifecycle.ts';
import { revoke, type RevokeInput, type RevokeOutput } from './ops/revoke.ts';
import type { Refusal } from './refusal.ts';
import type { State } from './state.ts';

export type Operation<I, O> = (state: State, input: I) => E.Either<Refusal, readonly [State, O]>;

export interface ModelOps {
  readonly create: Operation<CreateInput, CreateOutput>;
  readonly attenuate: Operation<AttenuateInput, AttenuateOutput>;
  readonly derive: Operation<DeriveInput, DeriveOutput>;
  readonly revoke: Operation<RevokeInput, RevokeOutput>;
  readonly invoke: Operation<InvokeInput, InvokeOutput>;
  readonly crash: Operation<NodeInput, LifecycleOutput>;
  readonly restart: Operation<NodeInput, LifecycleOutput>;
}

/** The specification's operations. */
export const referenceModel: ModelOps = { create, attenuate, derive, revoke, invoke, crash, restart };

export type Input =
  | ({ readonly op: 'create' } & CreateInput)
  | ({ readonly op: 'attenuate' } & AttenuateInput)
  | ({ readonly op: 'derive' } & DeriveInput)
  | ({ readonly op: 'revoke' } & RevokeInput)
  | ({ readonly op: 'invoke' } & InvokeInput)
  | ({ readonly op: 'crash' } & NodeInput)
  | ({ readonly op: 'restart' } & NodeInput);

export type OpName = Input['op'];

export const OP_NAMES: ReadonlyArray<OpName> = ['create', 'attenuate', 'derive', 'revoke', 'invoke', 'crash', 'restart'];

export type Output =
  | ({ readonly op: 'create' } & CreateOutput)
  | ({ readonly op: 'attenuate' } & AttenuateOutput)
  | ({ readonly op: 'derive' } & DeriveOutput)
  | { readonly op: 'revoke' }
  | ({ readonly op: 'invoke' } & { readonly result: InvokeOutput })
  | { readonly op: 'crash' }
  | { readonly op: 'restart' };

export type StepResult = E.Either<Refusal, readonly [State, Output]>;

/** Applies one input of any kind with the given operations. */
export const step = (ops: ModelOps, state: State, input: Input): StepResult => {
  switch (input.op) {
    case 'create':
      return tagged(ops.create(state, input), (out) => ({ op: 'create', ...out }));
    case 'attenuate':
      return tagged(ops.attenuate(state, input), (out) => ({ op: 'attenuate', ...out }));
    case 'derive':
      return tagged(ops.derive(state, input), (out) => ({ op: 'derive', ...out }));
    case 'revoke':
      return tagged(ops.revoke(state, input), () => ({ op: 'revoke' }));
    case 'invoke':
      return tagged(ops.invoke(state, input), (result) => ({ op: 'invoke', result }));
    case 'crash':
      return tagged(ops.crash(state, input), () => ({ op: 'crash' }));
    case 'restart':
      return tagged(ops.restart(state, input), () => ({ op: 'restart' }));
  }
};

const tagged = <O>(result: E.Either<Refusal, readonly [State, O]>, wrap: (output: O) => Output): StepResult =>
  E.map(([next, output]: readonly [State, O]) => [next, wrap(output)] as const)(result);
