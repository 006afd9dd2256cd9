/**
 * The memo of the linearization search, with subsumption. A search node is the set of placed
 * determinate operations D, the set of placed indeterminate operations I and the model state.
 * A node (D, I, state) is covered by a visited node (D, I', state) with I' a subset of I. Every
 * order that completes the first also completes the second, because indeterminate operations do
 * not bound when others may go and the second has every operation of the first left to place.
 * So a covered node need not be explored. Exact repeats are the case I' = I.
 */
export class VisitedNodes {
  /** Per D and state, the minimal indeterminate sets visited, as bit masks. */
  private readonly minimalSets = new Map<string, bigint[]>();

  /**
   * Records the node and returns true, or returns false when a visited node covers it. `key`
   * identifies D and the state, and `indeterminate` is the bit mask of I.
   */
  visit(key: string, indeterminate: bigint): boolean {
    const sets = this.minimalSets.get(key);
    if (sets === undefined) {
      this.minimalSets.set(key, [indeterminate]);
      return true;
    }
    if (sets.some((visited) => (visited & ~indeterminate) === 0n)) {
      return false;
    }
    // Sets that contain the new one are covered by it from now on.
    const minimal = sets.filter((visited) => (indeterminate & ~visited) !== 0n);
    minimal.push(indeterminate);
    this.minimalSets.set(key, minimal);
    return true;
  }
}
