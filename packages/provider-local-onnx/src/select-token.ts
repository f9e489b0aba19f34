/**
 * Next-token selection without sorting the vocabulary: greedy argmax, or a
 * draw from softmax(logits / temperature) cut to the top-k tokens and then to
 * the top-p nucleus — the same distribution, and for the same random number
 * the same token, as sorting every logit (best first, ties by id) and walking
 * that order.
 *
 * - Top-k: a bounded heap keeps the k best in one pass (O(V log k), almost
 *   always one comparison per token), then only those k are sorted.
 * - No top-k: one pass computes each token's weight (with an exponential
 *   accurate to about 1e-15, three times as fast as `Math.exp`) and drops it
 *   into a bucket by how far below the best it lies (1/16 nat wide); the
 *   top-p cut and the draw walk whole buckets by their mass and sort only
 *   the one bucket each lands in (its members found by a scan of the
 *   bucket numbers the first pass stored, two bytes per token in a
 *   reused scratch array). Logits are scaled by 1/temperature (a multiplication, which
 *   differs from dividing by at most one unit in the last place). Sums
 *   differ from the sorted walk's only by rounding, so a draw could pick
 *   differently only within ~1e-15 of a boundary between two tokens.
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

/**
 * e^x for x ≤ 0 within a few units in the last place of `Math.exp`, at a
 * third of its cost in V8 (which calls out to C for `Math.exp`): x = n·ln2/256
 * + r, e^x = 2^(n/256) · e^r, the first from two tables, the second a
 * degree-5 polynomial (0 ≤ r < ln2/256, so the series' remainder is below
 * 1e-18). Underflow and -∞ give 0; NaN stays NaN.
 */
export function exponentialOfNonPositive(x: number): number {
  if (!(x > -745)) return Number.isNaN(x) ? x : 0;
  const whole = Math.floor(x * (Math.LOG2E * 256));
  const rest = x - whole * LN2_BY_256_HIGH - whole * LN2_BY_256_LOW;
  const series =
    1 + rest * (1 + rest * (0.5 + rest * (1 / 6 + rest * (1 / 24 + rest * (1 / 120)))));
  return EXP2_NEGATIVE[-(whole >> 8)]! * EXP2_FRACTION[whole & 255]! * series;
}

const BUCKETS_PER_NAT = 16;
/** Buckets cover 48 nats below the best token; the last one holds everything further down. */
const LAST_BUCKET = 48 * BUCKETS_PER_NAT;

/** Scratch reused across calls (selection is synchronous, so calls never overlap). */
const bucketMass = new Float64Array(LAST_BUCKET + 1);
const occupied = new Uint8Array(LAST_BUCKET + 1);

/** The bucket of a token `scaled` nats from the best (scaled ≤ 0). */
function bucketOfScaled(scaled: number): number {
  const distance = -scaled * BUCKETS_PER_NAT;
  return distance < LAST_BUCKET ? distance | 0 : LAST_BUCKET;
}

/**
 * Each token's bucket from the first pass (grown to the largest vocabulary
 * seen; selection is synchronous, so calls never overlap).
 */
let bucketOf = new Uint16Array(0);

/**
 * Members of `bucket`, best first, with their weights, recomputed exactly as
 * the first pass computed them (one scan of the stored bucket numbers, made
 * once or twice per token drawn).
 */
function bucketMembers(
  logits: Float32Array,
  bucket: number,
  inverse: number,
  max: number,
): { members: Int32Array; weights: Float64Array } {
  const found: number[] = [];
  const size = logits.length;
  for (let index = 0; index < size; index++) if (bucketOf[index] === bucket) found.push(index);
  const members = Int32Array.from(found);
  members.sort((a, b) => logits[b]! - logits[a]! || a - b);
  const weights = new Float64Array(members.length);
  for (let index = 0; index < members.length; index++)
    weights[index] = exponentialOfNonPositive(logits[members[index]!]! * inverse - max);
  return { members, weights };
}

/** Sampling over the whole vocabulary without sorting it (see the module comment). */
function sampleVocabulary(
  logits: Float32Array,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  const size = logits.length;
  const inverse = 1 / temperature;
  const max = maxOf(logits) * inverse;
  if (bucketOf.length < size) bucketOf = new Uint16Array(size);
  bucketMass.fill(0);
  // Buckets that hold a token: its mass may underflow to 0 far below the best, so a flag, not the mass.
  occupied.fill(0);
  let total = 0;
  for (let index = 0; index < size; index++) {
    const scaled = logits[index]! * inverse - max;
    const weight = exponentialOfNonPositive(scaled);
    total += weight;
    const bucket = bucketOfScaled(scaled);
    bucketOf[index] = bucket;
    bucketMass[bucket]! += weight;
    occupied[bucket] = 1;
  }

  // Top-p: whole buckets while they stay below p, then token by token in the bucket that reaches it.
  let cutBucket = LAST_BUCKET + 1;
  let cut: { members: Int32Array; weights: Float64Array } | undefined;
  let cutKeep = 0;
  let kept = 1;
  if (topP < 1) {
    let cumulative = 0;
    for (let bucket = 0; bucket <= LAST_BUCKET; bucket++) {
      if (occupied[bucket] === 0) continue;
      const mass = bucketMass[bucket]! / total;
      if (cumulative + mass < topP) {
        cumulative += mass;
        continue;
      }
      const crossing = bucketMembers(logits, bucket, inverse, max);
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
  let threshold = random();
  let last = -1;
  for (let bucket = 0; bucket <= Math.min(cutBucket, LAST_BUCKET); bucket++) {
    if (occupied[bucket] === 0) continue;
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
    const { members, weights } = bucketMembers(logits, bucket, inverse, max);
    for (let index = 0; index < members.length; index++) {
      threshold -= weights[index]! / total / kept;
      if (threshold < 0) return members[index]!;
    }
    last = bucket;
  }
  // Rounding left the threshold a hair above zero: the last kept token, as the full walk would.
  const { members } = bucketMembers(logits, last, inverse, max);
  return members[members.length - 1]!;
}
