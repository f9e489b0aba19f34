/**
 * Byte-pair merging on token ids. The merge list of a `tokenizer.json` is
 * held in an open-addressing hash table of typed arrays (pair → rank and
 * merged id), which builds in milliseconds from the compact cache and needs
 * no string keys. Merging follows the Hugging Face `tokenizers` BPE model:
 * repeatedly merge the adjacent pair of lowest rank, leftmost first.
 *
 * @see https://github.com/huggingface/tokenizers/blob/main/tokenizers/src/models/bpe/word.rs
 */
import {
  finishSlices,
  type SlicedWork,
  type SliceMeter,
  sliceMeter,
  spend,
} from "./slice-meter.ts";

/** Work units charged per merge of a long word (a heap pop and up to two pushes). */
const MERGE_UNITS = 4;

/** Merge rules as an open-addressing hash table over typed arrays. */
export class MergeTable {
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #rank: Int32Array;
  readonly #merged: Int32Array;
  readonly #mask: number;
  /** Number of merge rules. */
  readonly size: number;

  /** @param merges `[left, right, merged]` id triples in rank order (lowest rank first). */
  constructor(merges: Int32Array) {
    const count = Math.floor(merges.length / 3);
    let capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    this.#left = new Int32Array(capacity).fill(-1);
    this.#right = new Int32Array(capacity);
    this.#rank = new Int32Array(capacity);
    this.#merged = new Int32Array(capacity);
    this.#mask = capacity - 1;
    let size = 0;
    for (let rank = 0; rank < count; rank++) {
      const left = merges[rank * 3]!;
      const right = merges[rank * 3 + 1]!;
      let slot = hashPair(left, right) & this.#mask;
      while (this.#left[slot] !== -1) {
        if (this.#left[slot] === left && this.#right[slot] === right) break;
        slot = (slot + 1) & this.#mask;
      }
      // The first (lowest-rank) rule for a pair wins, as in `tokenizers`.
      if (this.#left[slot] !== -1) continue;
      this.#left[slot] = left;
      this.#right[slot] = right;
      this.#rank[slot] = rank;
      this.#merged[slot] = merges[rank * 3 + 2]!;
      size++;
    }
    this.size = size;
  }

  /** The slot of the rule for (left, right), or -1. */
  find(left: number, right: number): number {
    let slot = hashPair(left, right) & this.#mask;
    for (;;) {
      const stored = this.#left[slot]!;
      if (stored === -1) return -1;
      if (stored === left && this.#right[slot] === right) return slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** Rank of the rule in `slot` (from {@link find}). */
  rankAt(slot: number): number {
    return this.#rank[slot]!;
  }

  /** Merged id of the rule in `slot`. */
  mergedAt(slot: number): number {
    return this.#merged[slot]!;
  }

  /**
   * Apply the merges to `symbols` (initial ids of one word); returns the
   * final ids. Short words use a simple scan, long ones a heap.
   */
  merge(symbols: number[]): number[] {
    if (symbols.length < 2) return symbols;
    return symbols.length <= 48
      ? this.#mergeShort(symbols)
      : Array.from(finishSlices(this.mergeInSlices(symbols, sliceMeter(Number.POSITIVE_INFINITY))));
  }

  #mergeShort(symbols: number[]): number[] {
    const ids = symbols.slice();
    for (;;) {
      let bestRank = 0x7fffffff;
      let bestIndex = -1;
      let bestMerged = 0;
      for (let index = 0; index < ids.length - 1; index++) {
        const slot = this.find(ids[index]!, ids[index + 1]!);
        if (slot !== -1 && this.#rank[slot]! < bestRank) {
          bestRank = this.#rank[slot]!;
          bestIndex = index;
          bestMerged = this.#merged[slot]!;
        }
      }
      if (bestIndex === -1) return ids;
      ids[bestIndex] = bestMerged;
      ids.splice(bestIndex + 1, 1);
    }
  }

  /**
   * {@link merge} for a long word, in slices of `meter` (a pasted blob can be
   * one pre-token of millions of symbols): yields between slices, returns the
   * final ids. Same result as `merge`, however it is sliced. Typed arrays
   * throughout, so a word of millions of symbols costs no garbage-collector
   * scanning.
   */
  *mergeInSlices(symbols: ArrayLike<number>, meter: SliceMeter): SlicedWork<Int32Array> {
    const length = symbols.length;
    const ids = Int32Array.from(symbols);
    if (length < 2) return ids;
    const next = new Int32Array(length);
    const previous = new Int32Array(length);
    for (let index = 0; index < length; index++) {
      next[index] = index + 1 < length ? index + 1 : -1;
      previous[index] = index - 1;
    }
    const heap = new MinHeap(length);
    const push = (position: number) => {
      const after = next[position]!;
      if (after === -1) return;
      const slot = this.find(ids[position]!, ids[after]!);
      if (slot !== -1) heap.push(this.#rank[slot]!, position);
    };
    for (let index = 0; index < length - 1; index++) {
      push(index);
      if (spend(meter, 1)) yield;
    }
    const alive = new Uint8Array(length).fill(1);
    while (heap.size > 0) {
      if (spend(meter, MERGE_UNITS)) yield;
      const rank = heap.topRank();
      const position = heap.pop();
      if (alive[position] === 0) continue;
      const after = next[position]!;
      if (after === -1) continue;
      const slot = this.find(ids[position]!, ids[after]!);
      // Stale entry: the pair at this position changed since it was pushed.
      if (slot === -1 || this.#rank[slot] !== rank) continue;
      ids[position] = this.#merged[slot]!;
      alive[after] = 0;
      const afterNext = next[after]!;
      next[position] = afterNext;
      if (afterNext !== -1) previous[afterNext] = position;
      const before = previous[position]!;
      if (before !== -1) push(before);
      push(position);
    }
    let count = 0;
    for (let position = 0; position !== -1; position = next[position]!) count++;
    const out = new Int32Array(count);
    for (let position = 0, index = 0; position !== -1; position = next[position]!)
      out[index++] = ids[position]!;
    meter.used += count;
    return out;
  }
}

function hashPair(left: number, right: number): number {
  let hash = Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return (hash ^ (hash >>> 12)) >>> 0;
}

/** A binary min-heap of (rank, position), ordered by rank then position. */
class MinHeap {
  #ranks: Int32Array;
  #positions: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.#ranks = new Int32Array(Math.max(16, capacity));
    this.#positions = new Int32Array(Math.max(16, capacity));
  }

  #less(a: number, b: number): boolean {
    const rankA = this.#ranks[a]!;
    const rankB = this.#ranks[b]!;
    return rankA < rankB || (rankA === rankB && this.#positions[a]! < this.#positions[b]!);
  }

  #swap(a: number, b: number): void {
    const rank = this.#ranks[a]!;
    this.#ranks[a] = this.#ranks[b]!;
    this.#ranks[b] = rank;
    const position = this.#positions[a]!;
    this.#positions[a] = this.#positions[b]!;
    this.#positions[b] = position;
  }

  push(rank: number, position: number): void {
    if (this.size === this.#ranks.length) {
      const ranks = new Int32Array(this.size * 2);
      ranks.set(this.#ranks);
      this.#ranks = ranks;
      const positions = new Int32Array(this.size * 2);
      positions.set(this.#positions);
      this.#positions = positions;
    }
    let index = this.size++;
    this.#ranks[index] = rank;
    this.#positions[index] = position;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#less(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  topRank(): number {
    return this.#ranks[0]!;
  }

  pop(): number {
    const top = this.#positions[0]!;
    this.size--;
    if (this.size > 0) {
      this.#ranks[0] = this.#ranks[this.size]!;
      this.#positions[0] = this.#positions[this.size]!;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.size && this.#less(left, smallest)) smallest = left;
        if (right < this.size && this.#less(right, smallest)) smallest = right;
        if (smallest === index) break;
        this.#swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }
}
