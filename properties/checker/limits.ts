/** Limits of the linearizability checker. */

/**
 * Default search budget per object, in search nodes. A node costs one model step and one state
 * key: 100 000 nodes on an object with one slot took about 3 s on a 2-core Xeon VM (Node 20), so
 * the default keeps a check that ends `unknown` to seconds.
 */
export const SEARCH_BUDGET_NODES_DEFAULT = 100_000;
