/**
 * Linearizability checker for recorded histories: finds, for each object, an order of its
 * operations that respects real time and in which the model reproduces every recorded outcome.
 */
export * from './check-history.ts';
export * from './check-object.ts';
export * from './limits.ts';
export type * from './types.ts';
