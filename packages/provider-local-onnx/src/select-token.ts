/**
 * Next-token selection without sorting the vocabulary: greedy argmax, or a
 * draw from softmax(logits / temperature) cut to the top-k tokens and then to
 * the top-p nucleus — the same distribution, and for the same random number
 * the same token, as sorting every logit (best first, ties by id) and walking
 * that order.
 *
 * - Top-k: a bounded heap keeps the k best in one pass (O(V log k), almost
 *   always one comparison per token), then only those k are sorted.
 * - No top-k: one pass weighs every token, e^(scaled logit − best), with an
 *   exponential accurate to about 1e-16 (x = −n·ln2/256 + r, e^x = 2^(−n/256)
 *   · e^r, a table and a degree-4 polynomial), and adds e^r to bucket n: the
 *   buckets are the exponential's own steps, ln 2/256 nat wide, so each
 *   bucket's common factor 2^(−n/256) (a power of two times a table entry)
 *   multiplies its sum once afterwards, one rounding. The pass
 *   stores nothing per token. The top-p cut and the draw walk whole buckets by
 *   their mass and look into only the bucket each lands in, found by one
 *   scan of the logits for those in its narrow logit window (top-p fetches
 *   the cut's bucket and the draw's in the same scan). Tokens more than 64
 *   nats below the best are weighed as if 64 nats below (e^-64 ≈ 1.6e-28:
 *   below one rounding of the total for any vocabulary under 500 billion).
 *   Logits are scaled by 1/temperature (a multiplication, which differs from
 *   dividing by at most one unit in the last place). Sums differ from the
 *   sorted walk's only by rounding, so a draw could pick differently only
 *   within ~1e-15 of a boundary between two tokens.
 *
 * @see https://huggingface.co/docs/transformers/generation_strategies#multinomial-sampling
 */

/** Sampling settings; `temperature` 0 or unset is greedy. */
export interface SamplingOptions {
  temperature?: number;
  /** Keep only the k most likely tokens (unset, 0 or ≥ the vocabulary: all; a fraction rounds down, to at least 1). */
  topK?: number;
  /** Keep the smallest most-likely set whose probability reaches p (unset or ≥ 1: all). */
  topP?: number;
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * transformers' repetition penalty, in place: every token of `context` (the
 * distinct ids of prompt and output so far) has its logit divided by
 * `penalty` when positive and multiplied when negative. 1 changes nothing.
 *
 * @see https://github.com/huggingface/transformers/blob/main/src/transformers/generation/logits_process.py (RepetitionPenaltyLogitsProcessor)
 */
export function applyRepetitionPenalty(
  logits: Float32Array,
  context: ReadonlySet<number>,
  penalty: number,
): Float32Array {
  if (penalty === 1) return logits;
  for (const id of context) {
    const value = logits[id];
    if (value === undefined) continue;
    logits[id] = value < 0 ? value * penalty : value / penalty;
  }
  return logits;
}

/** Index of the largest logit (the lowest index among equals). */
export function argmax(logits: Float32Array): number {
  let best = 0;
  let bestValue = logits[0]!;
  for (let index = 1; index < logits.length; index++) {
    const value = logits[index]!;
    if (value > bestValue) {
      bestValue = value;
      best = index;
    }
  }
  return best;
}

/**
 * The largest logit (what `logits[argmax(logits)]` is, for logits that are
 * not NaN): four independent running maxima, so the comparisons do not wait
 * on each other.
 */
function maxOf(logits: Float32Array): number {
  let a = Number.NEGATIVE_INFINITY;
  let b = a;
  let c = a;
  let d = a;
  const size = logits.length;
  const whole = size - (size % 4);
  for (let index = 0; index < whole; index += 4) {
    const w = logits[index]!;
    const x = logits[index + 1]!;
    const y = logits[index + 2]!;
    const z = logits[index + 3]!;
    if (w > a) a = w;
    if (x > b) b = x;
    if (y > c) c = y;
    if (z > d) d = z;
  }
  for (let index = whole; index < size; index++) if (logits[index]! > a) a = logits[index]!;
  return Math.max(a, b, c, d);
}

/**
 * Pick the next token from `logits`: argmax when `temperature` is 0/unset,
 * else one draw of `random()` from softmax(logits / temperature) restricted
 * to the top-k tokens and then to the smallest set whose probability reaches
 * top-p (best first, ties by lower id).
 */
export function selectToken(
  logits: Float32Array,
  options: SamplingOptions,
  random: () => number,
): number {
  const temperature = options.temperature ?? 0;
  if (!(temperature > 0)) return argmax(logits);
  const topP = options.topP !== undefined && options.topP < 1 ? options.topP : 1;
  // A fractional k keeps its whole part (at least one token), as slicing the sorted list would.
  const topK =
    options.topK !== undefined && options.topK > 0
      ? Math.max(1, Math.floor(options.topK))
      : logits.length;
  if (topK < logits.length) {
    return sampleSorted(logits, topIndices(logits, topK), temperature, topP, random);
  }
  return sampleVocabulary(logits, temperature, topP, random);
}

/** Whether token `a` ranks before token `b`: higher logit, then lower id. */
function ranksBefore(logits: Float32Array, a: number, b: number): boolean {
  const difference = logits[a]! - logits[b]!;
  return difference > 0 || (difference === 0 && a < b);
}

/** The `k` best tokens, best first: a min-heap of size k over one pass, then a sort of those k. */
function topIndices(logits: Float32Array, k: number): Int32Array {
  const heap = new Int32Array(k);
  // The root is the heap's worst token; a later token (higher id) replaces it only with a strictly
  // higher logit, so one comparison with `floor` settles almost every token.
  for (let index = 0; index < k; index++) {
    let child = index;
    heap[child] = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!ranksBefore(logits, heap[parent]!, heap[child]!)) break;
      const swap = heap[parent]!;
      heap[parent] = heap[child]!;
      heap[child] = swap;
      child = parent;
    }
  }
  let floor = logits[heap[0]!]!;
  for (let index = k; index < logits.length; index++) {
    if (!(logits[index]! > floor)) continue;
    heap[0] = index;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= k) break;
      const right = left + 1;
      const worse = right < k && ranksBefore(logits, heap[left]!, heap[right]!) ? right : left;
      if (!ranksBefore(logits, heap[parent]!, heap[worse]!)) break;
      const swap = heap[parent]!;
      heap[parent] = heap[worse]!;
      heap[worse] = swap;
      parent = worse;
    }
    floor = logits[heap[0]!]!;
  }
  return heap.sort((a, b) => logits[b]! - logits[a]! || a - b);
}

/** Softmax over `sorted` (best first), top-p cut, one draw: the reference computation on a short list. */
function sampleSorted(
  logits: Float32Array,
  sorted: Int32Array,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  const max = logits[sorted[0]!]! / temperature;
  const probabilities = new Float64Array(sorted.length);
  let total = 0;
  for (let index = 0; index < sorted.length; index++) {
    probabilities[index] = Math.exp(logits[sorted[index]!]! / temperature - max);
    total += probabilities[index]!;
  }
  for (let index = 0; index < sorted.length; index++) probabilities[index]! /= total;
  let keep = sorted.length;
  if (topP < 1) {
    let cumulative = 0;
    keep = 0;
    while (keep < sorted.length) {
      cumulative += probabilities[keep]!;
      keep++;
      if (cumulative >= topP) break;
    }
    let kept = 0;
    for (let index = 0; index < keep; index++) kept += probabilities[index]!;
    for (let index = 0; index < keep; index++) probabilities[index]! /= kept;
  }
  let threshold = random();
  for (let index = 0; index < keep; index++) {
    threshold -= probabilities[index]!;
    if (threshold < 0) return sorted[index]!;
  }
  return sorted[keep - 1]!;
}

/** 2^(j/256) for j = 0…255. */
const EXP2_FRACTION = Float64Array.from({ length: 256 }, (_, j) => 2 ** (j / 256));
/** 2^-k for k = 0…1075 (2^-1075 rounds to 0). */
const EXP2_NEGATIVE = Float64Array.from({ length: 1076 }, (_, k) => 2 ** -k);

/**
 * ln(2)/256 split Cody–Waite style: the high part has few enough bits that
 * n × it is exact; the low part carries the rest, including what the double
 * `Math.LN2` leaves out of ln 2 (2.3190468138462996e-17).
 */
const LN2_BY_256_HIGH = Math.fround(Math.LN2 / 256);
const LN2_BY_256_LOW = Math.LN2 / 256 - LN2_BY_256_HIGH + 2.3190468138462996e-17 / 256;

/** Steps of ln(2)/256 per nat. */
const STEPS_PER_NAT = Math.LOG2E * 256;

/** 2^(−n/256) for a whole n ≥ 0, from the two tables (a power of two times a table entry, so exact). */
function exp2Steps(n: number): number {
  return EXP2_NEGATIVE[(n + 255) >> 8]! * EXP2_FRACTION[-n & 255]!;
}

/**
 * The nearest whole number of steps below zero for x ≤ 0, n = ⌊−x·256/ln2 +
 * ½⌋ (a whole double: V8 compiled the weighing pass faster with it than with
 * an int32). It never decreases as x decreases, each operation rounding
 * monotonically.
 */
function stepsBelow(x: number): number {
  return Math.floor(x * -STEPS_PER_NAT + 0.5);
}

/**
 * e^r for x = −n·ln2/256 + r: r is within ln2/512 of zero, so a degree-4
 * polynomial leaves a remainder below 4e-17 of the result.
 */
function expRest(x: number, n: number): number {
  const rest = x + n * LN2_BY_256_HIGH + n * LN2_BY_256_LOW;
  return 1 + rest * (1 + rest * (0.5 + rest * (1 / 6 + rest * (1 / 24))));
}

/**
 * e^x for x ≤ 0 within a few units in the last place of `Math.exp`, at a
 * third of its cost in V8 (which calls out to C for `Math.exp`): x =
 * −n·ln2/256 + r with n the nearest whole step, e^x = 2^(−n/256) · e^r, the
 * first from two tables, the second a short polynomial. Underflow and -∞ give
 * 0; NaN stays NaN.
 */
export function exponentialOfNonPositive(x: number): number {
  if (!(x > -745)) return Number.isNaN(x) ? x : 0;
  const n = stepsBelow(x);
  return exp2Steps(n) * expRest(x, n);
}

/**
 * Tokens further than this below the best are weighed as if exactly this far:
 * e^-64 ≈ 1.6e-28, so even 500 billion of them move the total (at least 1,
 * the best token's weight) by less than 2^-53 of itself, below one rounding.
 */
const FAR_NATS = 64;
/**
 * Buckets are the exponential's own steps, ln(2)/256 nat wide: bucket n holds
 * the tokens whose nearest step is n below the best, down to 64 nats (about
 * 23.6k buckets); the last also holds everything further down.
 */
const LAST_BUCKET = stepsBelow(-FAR_NATS);
/** Buckets allocated: a multiple of four (the ones past the last stay empty), for four-way sums. */
const BUCKET_COUNT = (LAST_BUCKET + 4) & ~3;
/** 2^(−n/256), the factor common to bucket n's tokens, taken out of the weighing pass. */
const BUCKET_SCALE = Float64Array.from({ length: BUCKET_COUNT }, (_, bucket) => exp2Steps(bucket));

/**
 * Each bucket's mass: the sum of its tokens' e^r during the weighing pass,
 * then times the bucket's factor (scratch reused across calls: selection is
 * synchronous, so calls never overlap).
 */
const bucketMass = new Float64Array(BUCKET_COUNT);

/**
 * Multiplies each bucket's sum by its factor and returns the total weight.
 * Four running sums: one alone waits on each addition before the next, and
 * cost a sixth of the selection (measured) over the ~23.6k buckets.
 */
function scaleBuckets(): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let bucket = 0; bucket < BUCKET_COUNT; bucket += 4) {
    a += bucketMass[bucket]! *= BUCKET_SCALE[bucket]!;
    b += bucketMass[bucket + 1]! *= BUCKET_SCALE[bucket + 1]!;
    c += bucketMass[bucket + 2]! *= BUCKET_SCALE[bucket + 2]!;
    d += bucketMass[bucket + 3]! *= BUCKET_SCALE[bucket + 3]!;
  }
  return a + b + (c + d);
}

/**
 * The bucket of a token `scaled` nats from the best (scaled ≤ 0), anything
 * below −64 nats (−∞ included) counted as −64. The best token is in bucket 0,
 * and a lower logit is never in an earlier bucket, so whole buckets can be
 * walked in the sorted order.
 */
function bucketOfScaled(scaled: number): number {
  return stepsBelow(Math.max(scaled, -FAR_NATS));
}

/** The logits within `halfWidth` of `centre`. */
interface LogitWindow {
  centre: number;
  halfWidth: number;
}

/**
 * The logits that can fall in buckets `first`…`last`: bucket n holds the
 * scaled logits within half a step of −n steps, scaled back here by the
 * temperature, and widened by a billionth of the logits' scale (far more
 * than rounding can move a bound).
 */
function windowOf(first: number, last: number, inverse: number, max: number): LogitWindow {
  return {
    centre: (max - (first + last) / 2 / STEPS_PER_NAT) / inverse,
    halfWidth:
      ((last - first + 1) / 2 / STEPS_PER_NAT + 1e-9 * (Math.abs(max) + FAR_NATS + 1)) / inverse,
  };
}

/**
 * Ids, in id order, of the tokens whose logit lies in window `a` (or `b`):
 * one scan, one comparison per window (|logit − centre| ≤ half-width, the
 * cheapest test measured).
 */
function idsInWindows(logits: Float32Array, a: LogitWindow, b?: LogitWindow): number[] {
  const found: number[] = [];
  const size = logits.length;
  const { centre, halfWidth } = a;
  if (b === undefined) {
    for (let index = 0; index < size; index++)
      if (Math.abs(logits[index]! - centre) <= halfWidth) found.push(index);
    return found;
  }
  const { centre: otherCentre, halfWidth: otherHalfWidth } = b;
  for (let index = 0; index < size; index++) {
    const logit = logits[index]!;
    if (Math.abs(logit - centre) <= halfWidth || Math.abs(logit - otherCentre) <= otherHalfWidth)
      found.push(index);
  }
  return found;
}

/** A bucket's members, best first (higher logit, then lower id), with their weights. */
interface BucketMembers {
  members: Int32Array;
  weights: Float64Array;
}

/**
 * The members of the buckets one selection looks into, found by scans of the
 * logits and kept. A scan finds the tokens whose logit lies in the buckets'
 * window, then computes each one's bucket with the weighing pass's own
 * arithmetic, so membership is decided exactly as there. The last bucket has
 * no lower bound (it holds everything below −64 nats): a search that
 * includes it tests every token.
 */
class BucketSearch {
  private readonly found = new Map<number, BucketMembers>();
  private readonly logits: Float32Array;
  private readonly inverse: number;
  private readonly max: number;

  constructor(logits: Float32Array, inverse: number, max: number) {
    this.logits = logits;
    this.inverse = inverse;
    this.max = max;
  }

  /** The members of `bucket`, from a scan of its own unless an earlier scan found them. */
  of(bucket: number): BucketMembers {
    if (!this.found.has(bucket)) this.fetch(bucket, bucket);
    return this.found.get(bucket)!;
  }

  /** Finds the members of buckets `first`…`last`, and of bucket `also` if given, in one scan. */
  fetch(first: number, last: number, also?: number): void {
    const { logits, inverse, max } = this;
    const wanted = new Map<number, number[]>();
    for (let bucket = first; bucket <= last; bucket++) wanted.set(bucket, []);
    if (also !== undefined) wanted.set(also, []);
    let ids: number[];
    if (last === LAST_BUCKET || also === LAST_BUCKET) ids = Array.from(logits.keys());
    else
      ids = idsInWindows(
        logits,
        windowOf(first, last, inverse, max),
        also === undefined || (also >= first && also <= last)
          ? undefined
          : windowOf(also, also, inverse, max),
      );
    for (const index of ids)
      wanted.get(bucketOfScaled(logits[index]! * inverse - max))?.push(index);
    for (const [bucket, list] of wanted) {
      const members = Int32Array.from(list);
      members.sort((a, b) => logits[b]! - logits[a]! || a - b);
      const weights = new Float64Array(members.length);
      for (let index = 0; index < members.length; index++)
        weights[index] = exponentialOfNonPositive(logits[members[index]!]! * inverse - max);
      this.found.set(bucket, { members, weights });
    }
  }
}

/** Whether a walk can skip `bucket`: no token in it (every token weighs at least e^-64 here). */
function isEmpty(bucket: number): boolean {
  return !(bucketMass[bucket]! > 0);
}

/** Sampling over the whole vocabulary without sorting it (see the module comment). */
function sampleVocabulary(
  logits: Float32Array,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  const inverse = 1 / temperature;
  const max = maxOf(logits) * inverse;
  // The one pass over the vocabulary (kept in this function: V8 compiled it
  // slower as a function of its own). Each token adds e^rest to its bucket;
  // the bucket's common factor 2^(−b/256) multiplies the sum once afterwards.
  // No per-token store, count or running total: each cost a tenth of the pass.
  bucketMass.fill(0);
  const size = logits.length;
  for (let index = 0; index < size; index++) {
    const scaled = Math.max(logits[index]! * inverse - max, -FAR_NATS);
    const steps = stepsBelow(scaled);
    bucketMass[steps | 0]! += expRest(scaled, steps);
  }
  const total = scaleBuckets();
  const search = new BucketSearch(logits, inverse, max);
  // Drawn before the top-p cut (still one draw per token) so that the cut's scan can also fetch the draw's bucket.
  let threshold = random();

  // Top-p: whole buckets while they stay below p, then token by token in the bucket that reaches it.
  let cutBucket = LAST_BUCKET + 1;
  let cut: BucketMembers | undefined;
  let cutKeep = 0;
  let kept = 1;
  if (topP < 1) {
    let cumulative = 0;
    let fetched = false;
    for (let bucket = 0; bucket <= LAST_BUCKET; bucket++) {
      if (isEmpty(bucket)) continue;
      const mass = bucketMass[bucket]! / total;
      if (cumulative + mass < topP) {
        cumulative += mass;
        continue;
      }
      if (!fetched) fetchCutAndDraw(search, bucket, cumulative, mass, threshold, total);
      fetched = true;
      const crossing = search.of(bucket);
      let keep = 0;
      while (keep < crossing.members.length) {
        cumulative += crossing.weights[keep]! / total;
        keep++;
        if (cumulative >= topP) break;
      }
      if (cumulative >= topP) {
        cutBucket = bucket;
        cut = crossing;
        cutKeep = keep;
        break;
      }
    }
    kept = cumulative;
  }

  // The draw: whole buckets while the threshold stays above zero, then token by token.
  let last = -1;
  for (let bucket = 0; bucket <= Math.min(cutBucket, LAST_BUCKET); bucket++) {
    if (isEmpty(bucket)) continue;
    if (bucket === cutBucket) {
      for (let index = 0; index < cutKeep; index++) {
        threshold -= cut!.weights[index]! / total / kept;
        if (threshold < 0) return cut!.members[index]!;
      }
      return cut!.members[cutKeep - 1]!;
    }
    const mass = bucketMass[bucket]! / total / kept;
    if (threshold - mass >= 0 && bucket < LAST_BUCKET) {
      threshold -= mass;
      last = bucket;
      continue;
    }
    const { members, weights } = search.of(bucket);
    for (let index = 0; index < members.length; index++) {
      threshold -= weights[index]! / total / kept;
      if (threshold < 0) return members[index]!;
    }
    last = bucket;
  }
  // Rounding left the threshold a hair above zero: the last kept token, as the full walk would.
  // (Only NaN logits leave no bucket at all: then the argmax of the rest.)
  if (last < 0) return argmax(logits);
  const { members } = search.of(last);
  return members[members.length - 1] ?? argmax(logits);
}

/**
 * Top-p and the draw each look into one bucket: the one where the cut falls
 * (`cut`, after `before` of the probability, holding `mass` of it) and the one
 * the draw lands in. The kept probability will lie in (before, before +
 * mass], and the draw lands where the running probability passes `threshold`
 * × kept, so in a bucket whose probability overlaps (threshold × before,
 * threshold × (before + mass)] (widened by a billionth for rounding): those
 * buckets and the cut's are fetched in one scan. This only saves a scan: a
 * bucket missed is fetched when the walk reaches it.
 */
function fetchCutAndDraw(
  search: BucketSearch,
  cut: number,
  before: number,
  mass: number,
  threshold: number,
  total: number,
): void {
  const low = threshold * before * (1 - 1e-9);
  const high = threshold * (before + mass) * (1 + 1e-9);
  let first = -1;
  let last = -1;
  let cumulative = 0;
  for (let bucket = 0; bucket < cut && cumulative <= high; bucket++) {
    if (isEmpty(bucket)) continue;
    const next = cumulative + bucketMass[bucket]! / total;
    if (next > low) {
      if (first < 0) first = bucket;
      last = bucket;
    }
    cumulative = next;
  }
  if (first < 0) search.fetch(cut, cut);
  else search.fetch(first, last, cut);
}
