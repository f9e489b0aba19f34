/**
 * Per-token cost of choosing the next token, at vocabularies of 32k
 * (Llama 2 / Mistral), 152k (Qwen 2.5) and 256k (Gemma): greedy argmax, the
 * sampler with partial selection (`selectToken`), and the full sort it
 * replaced (every logit sorted for every token), on the same logits.
 * Logits are seeded normal(0, 3) vectors, eight per size, used in turn.
 *
 * Run: npx -y pnpm@12.4.2 --filter @ratatoskr/provider-local-onnx bench:sampling
 */
import { referenceSelectToken } from "../src/reference-select-token.ts";
import { argmax, type SamplingOptions, seededRandom, selectToken } from "../src/select-token.ts";

const quick = process.env.BENCH_QUICK === "1";

function logitVectors(size: number, count: number): Float32Array[] {
  const random = seededRandom(size);
  return Array.from({ length: count }, () => {
    const logits = new Float32Array(size);
    for (let index = 0; index < size; index++)
      logits[index] = 3 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return logits;
  });
}

/** Mean microseconds per call of `choose` over `iterations` calls, cycling through `vectors`. */
function perToken(
  vectors: Float32Array[],
  iterations: number,
  choose: (logits: Float32Array) => number,
): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) sink += choose(vectors[index % vectors.length]!);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e3 / iterations;
  if (sink < 0) console.log(sink);
  return elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const SETTINGS: Array<[string, SamplingOptions]> = [
  ["temperature 0.8", { temperature: 0.8 }],
  ["top-p 0.9 (T 0.7)", { temperature: 0.7, topP: 0.9 }],
  ["top-k 50", { temperature: 0.8, topK: 50 }],
  ["top-k 20 + top-p 0.8 (Qwen)", { temperature: 0.7, topK: 20, topP: 0.8 }],
];

const rounds = quick ? 3 : 9;
console.log(
  `# next-token selection, µs per token (Node ${process.version}); medians of ${rounds} interleaved rounds`,
);
console.log(
  "| vocabulary | setting | greedy | selectToken | ratio to greedy | full sort (before) | speed-up |\n|---|---|---|---|---|---|---|",
);
for (const size of [32_000, 152_064, 256_000]) {
  const vectors = logitVectors(size, 8);
  const iterations = quick ? 10 : 40;
  // Collect the previous size's garbage now (the script runs with --expose-gc), then warm every
  // path up on this size (JIT, caches, the scratch buffers' growth).
  (globalThis as { gc?: () => void }).gc?.();
  for (const [, settings] of SETTINGS) {
    const random = seededRandom(2);
    perToken(vectors, iterations, (logits) => selectToken(logits, settings, random));
  }
  perToken(vectors, iterations, (logits) => argmax(logits));
  for (const [name, settings] of SETTINGS) {
    const random = seededRandom(1);
    const greedyTimes: number[] = [];
    const sampleTimes: number[] = [];
    const ratios: number[] = [];
    const greedy = () => perToken(vectors, iterations, (logits) => argmax(logits));
    const sample = () =>
      perToken(vectors, iterations, (logits) => selectToken(logits, settings, random));
    greedy();
    sample();
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first so neither always meets a warmer cache.
      let greedyTime: number;
      let sampleTime: number;
      if (round % 2 === 0) {
        greedyTime = greedy();
        sampleTime = sample();
      } else {
        sampleTime = sample();
        greedyTime = greedy();
      }
      greedyTimes.push(greedyTime);
      sampleTimes.push(sampleTime);
      ratios.push(sampleTime / greedyTime);
    }
    const referenceRandom = seededRandom(1);
    const sorted = perToken(vectors, quick ? 2 : 6, (logits) =>
      referenceSelectToken(logits, settings, referenceRandom),
    );
    const fast = median(sampleTimes);
    console.log(
      `| ${size.toLocaleString("en-US")} | ${name} | ${median(greedyTimes).toFixed(0)} | ${fast.toFixed(0)} | ${median(ratios).toFixed(2)} | ${sorted.toFixed(0)} | ${(sorted / fast).toFixed(0)}× |`,
    );
  }
}
