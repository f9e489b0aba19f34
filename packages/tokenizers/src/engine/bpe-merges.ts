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

/** Slots of a learning table when it starts (it doubles as it fills). */
const LEARNED_INITIAL_CAPACITY = 1 << 12;
/** Slots a learning table grows to at most; when full it forgets what it learned and starts again. */
const LEARNED_MAX_CAPACITY = 1 << 21;

/**
 * Merge rules as an open-addressing hash table over typed arrays: either
 * listed up front (a `tokenizer.json`'s merges), or learned pair by pair
 * from a rule (tiktoken's: a pair merges into the token that spells both,
 * at that token's rank), remembering misses as well as merges.
 */
export class MergeTable {
  #left: Int32Array;
  #right: Int32Array;
  #rank: Int32Array;
  /** Merged id, or -1 for a learned "does not merge". */
  #merged: Int32Array;
  #mask: number;
  #size = 0;
  readonly #learn: ((left: number, right: number) => number) | undefined;
  #initialCapacity = LEARNED_INITIAL_CAPACITY;
  #maxCapacity = LEARNED_MAX_CAPACITY;

  /**
   * @param merges `[left, right, merged]` id triples in rank order (lowest rank first).
   * @param learn Instead of listed merges: see {@link MergeTable.learned}.
   */
  constructor(merges: Int32Array, learn?: (left: number, right: number) => number) {
    this.#learn = learn;
    const count = Math.floor(merges.length / 3);
    let capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    this.#left = new Int32Array(capacity).fill(-1);
    this.#right = new Int32Array(capacity);
    this.#rank = new Int32Array(capacity);
    this.#merged = new Int32Array(capacity);
    this.#mask = capacity - 1;
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
      this.#size++;
    }
  }

  /**
   * A table that learns its rules on first need: `merge(left, right)` gives
   * the id the pair merges into, which is also the merge's rank (lower
   * merges first), or -1 when the pair does not merge. Memory is bounded:
   * the table doubles from `initialCapacity` slots (default 4,096) and,
   * rather than grow past `maxCapacity` (default 2,097,152, about a million
   * pairs), forgets what it learned and starts again.
   */
  static learned(
    merge: (left: number, right: number) => number,
    limits: { initialCapacity?: number; maxCapacity?: number } = {},
  ): MergeTable {
    const table = new MergeTable(new Int32Array(0), merge);
    table.#initialCapacity = limits.initialCapacity ?? LEARNED_INITIAL_CAPACITY;
    table.#maxCapacity = limits.maxCapacity ?? LEARNED_MAX_CAPACITY;
    table.#allocate(table.#initialCapacity);
    return table;
  }

  /** Number of rules held (listed, or learned so far: merges and misses). */
  get size(): number {
    return this.#size;
  }

  /** The slot of the rule for (left, right), or -1. */
  find(left: number, right: number): number {
    let slot = hashPair(left, right) & this.#mask;
    for (;;) {
      const stored = this.#left[slot]!;
      if (stored === -1) return this.#learn === undefined ? -1 : this.#learnPair(left, right);
      if (stored === left && this.#right[slot] === right)
        return this.#merged[slot] === -1 ? -1 : slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  #learnPair(left: number, right: number): number {
    const merged = this.#learn!(left, right);
    if ((this.#size + 1) * 2 > this.#left.length) this.#grow();
    let slot = hashPair(left, right) & this.#mask;
    while (this.#left[slot] !== -1) slot = (slot + 1) & this.#mask;
    this.#left[slot] = left;
    this.#right[slot] = right;
    this.#rank[slot] = merged;
    this.#merged[slot] = merged;
    this.#size++;
    return merged === -1 ? -1 : slot;
  }

  /** Double a learning table's capacity (rehashing), or start it afresh at its limit. */
  #grow(): void {
    const old = { left: this.#left, right: this.#right, merged: this.#merged };
    const capacity = old.left.length * 2;
    const restart = capacity > this.#maxCapacity;
    this.#allocate(restart ? this.#initialCapacity : capacity);
    this.#size = 0;
    if (restart) return;
    for (let from = 0; from < old.left.length; from++) {
      const left = old.left[from]!;
      if (left === -1) continue;
      const right = old.right[from]!;
      let slot = hashPair(left, right) & this.#mask;
      while (this.#left[slot] !== -1) slot = (slot + 1) & this.#mask;
      this.#left[slot] = left;
      this.#right[slot] = right;
      this.#rank[slot] = old.merged[from]!;
      this.#merged[slot] = old.merged[from]!;
      this.#size++;
    }
  }

  #allocate(capacity: number): void {
    this.#left = new Int32Array(capacity).fill(-1);
    this.#right = new Int32Array(capacity);
    this.#rank = new Int32Array(capacity);
    this.#merged = new Int32Array(capacity);
    this.#mask = capacity - 1;
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
