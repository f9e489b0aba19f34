/**
 * Test support (not exported from the package): the sampler as it was
 * written before partial selection, sorting the whole vocabulary every
 * token. Tests compare the fast path against it draw for draw.
 */

/** Full-sort reference: softmax(logits / temperature), top-k, then top-p, then one draw. */
export function referenceSelectToken(
  logits: Float32Array,
  options: { temperature?: number; topK?: number; topP?: number },
  random: () => number,
): number {
  const temperature = options.temperature ?? 0;
  if (!(temperature > 0)) {
    let best = 0;
    for (let index = 1; index < logits.length; index++)
      if (logits[index]! > logits[best]!) best = index;
    return best;
  }
  let candidates = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (options.topK !== undefined && options.topK > 0)
    candidates = candidates.slice(0, options.topK);
  const max = logits[candidates[0]!]! / temperature;
  let probabilities = candidates.map((index) => Math.exp(logits[index]! / temperature - max));
  let total = probabilities.reduce((sum, value) => sum + value, 0);
  probabilities = probabilities.map((value) => value / total);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    let keep = 0;
    while (keep < probabilities.length) {
      cumulative += probabilities[keep]!;
      keep++;
      if (cumulative >= options.topP) break;
    }
    candidates = candidates.slice(0, keep);
    probabilities = probabilities.slice(0, keep);
    total = probabilities.reduce((sum, value) => sum + value, 0);
    probabilities = probabilities.map((value) => value / total);
  }
  let threshold = random();
  for (let index = 0; index < candidates.length; index++) {
    threshold -= probabilities[index]!;
    if (threshold < 0) return candidates[index]!;
  }
  return candidates[candidates.length - 1]!;
}
