/** Limits of the linearizability checker. */

/**
 * Default search budget per object, in search nodes. Each node costs one model step and one state
 * key, so a search that reaches this budget takes about SEARCH_TIME_NOTE.
 */
export const SEARCH_BUDGET_NODES_DEFAULT = 100_000;
