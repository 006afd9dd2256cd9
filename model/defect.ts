/**
 * A broken internal invariant is a defect, not an outcome: it throws `Defect` at once. Only the top
 * of the command-line tool and the test harness catch it.
 */
export class Defect extends Error {
  override readonly name = 'Defect';
}

export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Defect(message);
  }
}
