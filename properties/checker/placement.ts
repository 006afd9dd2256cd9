/**
 * The operations the current search path has placed, kept as the two parts of a search node's
 * identity: a bit set of placed determinate operations, which is part of the memo key, and a bit
 * mask of placed indeterminate ones, which the memo compares by inclusion (see visited.ts).
 */
import type { SearchOp } from './search-op.ts';

export class Placement {
  private readonly placed: Uint8Array;
  private readonly determinateWords: Uint32Array;
  private indeterminateBits = 0n;
  readonly determinateTotal: number;
  private determinatePlacedCount = 0;

  constructor(private readonly ops: ReadonlyArray<SearchOp>) {
    this.placed = new Uint8Array(ops.length);
    this.determinateWords = new Uint32Array(Math.ceil(ops.length / 32));
    this.determinateTotal = ops.filter((op) => op.expected !== null).length;
  }

  isPlaced(index: number): boolean {
    return this.placed[index] === 1;
  }

  get determinatePlaced(): number {
    return this.determinatePlacedCount;
  }

  get allDeterminatePlaced(): boolean {
    return this.determinatePlacedCount === this.determinateTotal;
  }

  /** Places the operation at `index` if it is unplaced, and unplaces it otherwise. */
  toggle(index: number): void {
    const nowPlaced = this.placed[index] === 0;
    this.placed[index] = nowPlaced ? 1 : 0;
    if (this.ops[index]?.expected === null) {
      this.indeterminateBits ^= 1n << BigInt(index);
      return;
    }
    this.determinateWords[index >>> 5] = (this.determinateWords[index >>> 5] as number) ^ (1 << (index & 31));
    this.determinatePlacedCount += nowPlaced ? 1 : -1;
  }

  /** Memo key of the search node with this placement and the interned state `stateId`. */
  nodeKey(stateId: number): string {
    return `${stateId}|${this.determinateWords.join(',')}`;
  }

  get indeterminateMask(): bigint {
    return this.indeterminateBits;
  }
}
