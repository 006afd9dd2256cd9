/**
 * The executable specification of shardcap: owner-sharded, versioned capabilities as pure
 * functions `(state, input) => Either<Refusal, [state, output]>`. It reads no clock, draws no
 * random numbers, does no I/O and never mutates its input.
 */
export * from './capability.ts';
export * from './defect.ts';
export * from './guard.ts';
export * from './ids.ts';
export * from './limits.ts';
export * from './refusal.ts';
export * from './rights.ts';
export * from './state.ts';
export * from './step.ts';
export * from './ops/attenuate.ts';
export * from './ops/create.ts';
export * from './ops/derive.ts';
export * from './ops/invoke.ts';
export * from './ops/lifecycle.ts';
export * from './ops/revoke.ts';
