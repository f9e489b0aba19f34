/**
 * Local inference through the gateway vs a bare onnxruntime-node pipeline on
 * the same generated model and inputs (same process, interleaved rounds).
 *
 * - embedBatch, batch sizes 1 and 32, on an encoder with all-MiniLM-L6-v2's
 *   real shape (6 layers, hidden 384, 12 heads, 30,522-token vocabulary,
 *   random weights; its modules.json says mean pooling + Normalize): gateway →
 *   local plugin vs a hand-written tokenize → tensors → session.run →
 *   mean-pool → normalise loop with the same tokenizer. Documents/s per side
 *   in each of many side-by-side rounds; the median of the per-round ratios
 *   is the figure. Target: ≥ 0.95. Also first-call (load) time, peak RSS.
 * - inferNliBatch of 50 pairs: same comparison with softmax.
 * - generate (greedy, KV cache): tokens/s vs a bare decode loop.
 *
 * Models (written by @ratatoskr/onnx-test-models into a temporary directory):
 * the MiniLM-L6-shaped encoder, a benchmark-sized cross-encoder (hidden 384,
 * 2 residual feed-forward layers of 1536) and the KV-cache decoder, tiny and
 * with dense layers per token. CPU only, one intra-op thread on both sides. Ratios
 * are printed on the mean (harness) and on the median (less sensitive to
 * other load on the machine).
 *
 * Run: `npx -y pnpm@12.4.2 --filter @ratatoskr/provider-gateway-tests bench:local-onnx`
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import { Ratatoskr } from "@ratatoskr/gateway";
import { writeBenchModels, writeMiniLmModel, writeTestModels } from "@ratatoskr/onnx-test-models";
import { createLocalOnnx } from "@ratatoskr/provider-local-onnx";
import * as ort from "onnxruntime-node";

const root = await mkdtemp(join(tmpdir(), "ratatoskr-onnx-bench-"));
// Hidden 384 with 2 feed-forward layers of 1536: a few ms per sentence batch, so the machine's noise
// matters less than with a full-size model, while the forward pass still dominates each call.
const bench = await writeBenchModels(join(root, "bench"), { hiddenSize: 384, layers: 2 });
const miniLm = await writeMiniLmModel(join(root, "minilm-l6"));
// One intra-op thread on both sides: comparable and less disturbed by other load on the machine.
const sessionOptions = {
  executionProviders: ["cpu"],
  graphOptimizationLevel: "all",
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
} as const;
const tiny = await writeTestModels(join(root, "tiny"));
const quick = process.env.BENCH_QUICK === "1";

const WORDS =
  "the cat sat on a mat while the dog was running outside in the sun today and i love it".split(
    " ",
  );
const sentence = (index: number) =>
  Array.from(
    { length: 8 + (index % 9) },
    (_, word) => WORDS[(index * 7 + word * 3) % WORDS.length],
  ).join(" ");
const texts32 = Array.from({ length: 32 }, (_, index) => sentence(index));
const pairs50 = Array.from({ length: 50 }, (_, index) => ({
  premise: sentence(index),
  hypothesis: sentence(index + 50).slice(0, 30),
}));

function loadTokenizer(directory: string): Tokenizer {
  return new Tokenizer(
    JSON.parse(readFileSync(join(directory, "tokenizer.json"), "utf8")),
    JSON.parse(readFileSync(join(directory, "tokenizer_config.json"), "utf8")),
  );
}

/** The reference: a bare onnxruntime-node pipeline written directly against the libraries. */
async function bareEncoder(directory: string, file: string) {
  const session = await ort.InferenceSession.create(join(directory, file), sessionOptions);
  const tokenizer = loadTokenizer(directory);
  const tensors = (encodings: Array<{ ids: number[]; token_type_ids?: number[] }>) => {
    const length = Math.max(...encodings.map((encoding) => encoding.ids.length));
    const ids = new BigInt64Array(encodings.length * length);
    const mask = new BigInt64Array(encodings.length * length);
    const types = new BigInt64Array(encodings.length * length);
    encodings.forEach((encoding, row) => {
      encoding.ids.forEach((id, column) => {
        ids[row * length + column] = BigInt(id);
        mask[row * length + column] = 1n;
        types[row * length + column] = BigInt(encoding.token_type_ids?.[column] ?? 0);
      });
    });
    const dims = [encodings.length, length];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, dims),
      attention_mask: new ort.Tensor("int64", mask, dims),
    };
    if (session.inputNames.includes("token_type_ids"))
      feeds.token_type_ids = new ort.Tensor("int64", types, dims);
    return { feeds, mask, length };
  };
  return {
    session,
    async embed(batch: string[]): Promise<number[][]> {
      const { feeds, mask, length } = tensors(
        batch.map((text) => tokenizer.encode(text, { return_token_type_ids: true })),
      );
      const output = (await session.run(feeds)).last_hidden_state!;
      const data = output.data as Float32Array;
      const hidden = output.dims[2]!;
      return batch.map((_, row) => {
        const vector = new Array<number>(hidden).fill(0);
        let count = 0;
        for (let position = 0; position < length; position++) {
          if (mask[row * length + position] === 0n) continue;
          count++;
          for (let d = 0; d < hidden; d++)
            vector[d]! += data[(row * length + position) * hidden + d]!;
        }
        let norm = 0;
        for (let d = 0; d < hidden; d++) {
          vector[d]! /= count;
          norm += vector[d]! ** 2;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        return vector.map((value) => value / norm);
      });
    },
    async nli(batch: Array<{ premise: string; hypothesis: string }>): Promise<number[][]> {
      const { feeds } = tensors(
        batch.map((pair) =>
          tokenizer.encode(pair.premise, {
            text_pair: pair.hypothesis,
            return_token_type_ids: true,
          }),
        ),
      );
      const logits = (await session.run(feeds)).logits!;
      const data = logits.data as Float32Array;
      return batch.map((_, row) => {
        const values = Array.from(data.subarray(row * 3, row * 3 + 3));
        const max = Math.max(...values);
        const exps = values.map((value) => Math.exp(value - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        return exps.map((value) => value / sum);
      });
    },
  };
}

/** A bare greedy decode loop with the KV cache. */
async function bareDecoder(directory: string) {
  const session = await ort.InferenceSession.create(
    join(directory, "onnx/model.onnx"),
    sessionOptions,
  );
  const tokenizer = loadTokenizer(directory);
  const pastNames = session.inputNames.filter((name) => name.startsWith("past_key_values."));
  return async (prompt: string, maxTokens: number): Promise<{ text: string; tokens: number }> => {
    const ids = tokenizer.encode(prompt).ids;
    let past: Record<string, ort.Tensor> = {};
    for (const name of pastNames)
      past[name] = new ort.Tensor("float32", new Float32Array(0), [1, 2, 0, 4]);
    let input = ids;
    let length = 0;
    const generated: number[] = [];
    for (let step = 0; step < maxTokens; step++) {
      const total = length + input.length;
      const outputs = await session.run({
        ...past,
        input_ids: new ort.Tensor("int64", BigInt64Array.from(input, BigInt), [1, input.length]),
        attention_mask: new ort.Tensor("int64", new BigInt64Array(total).fill(1n), [1, total]),
        position_ids: new ort.Tensor(
          "int64",
          BigInt64Array.from(input, (_, index) => BigInt(length + index)),
          [1, input.length],
        ),
      });
      const logits = outputs.logits!.data as Float32Array;
      const vocabulary = outputs.logits!.dims[2]!;
      const last = logits.subarray(logits.length - vocabulary);
      let best = 0;
      for (let token = 1; token < vocabulary; token++) if (last[token]! > last[best]!) best = token;
      past = {};
      for (const name of pastNames)
        past[name] = outputs[name.replace("past_key_values", "present")] as ort.Tensor;
      length = total;
      if (best === 256) break;
      generated.push(best);
      input = [best];
    }
    return { text: tokenizer.decode(generated), tokens: generated.length };
  };
}

const medianRatio = (result: Awaited<ReturnType<typeof compare>>) =>
  `median ratio: ${(result.reference.p50Ns / result.candidate.p50Ns).toFixed(3)}x`;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

// First call (load + first inference), measured once each before anything is warm.
let start = process.hrtime.bigint();
const bareEmbed = await bareEncoder(miniLm, "model.onnx");
await bareEmbed.embed(texts32.slice(0, 1));
const bareLoadMs = ms(start);

start = process.hrtime.bigint();
const local = createLocalOnnx({
  // No pooling setting: the provider reads mean + Normalize from the model's modules.json.
  embeddingModels: [{ name: "minilm-l6", path: miniLm }],
  nliModels: [{ name: "bench-nli", path: bench.nli }],
  generationModels: [
    { name: "tiny-gpt", path: tiny.decoder },
    { name: "bench-gpt", path: bench.decoder },
  ],
  offline: true,
  cacheDir: root,
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
});
const gateway = await Ratatoskr.builder().use(local).build();
await gateway.embedBatch(texts32.slice(0, 1), "minilm-l6");
const gatewayLoadMs = ms(start);

console.log(
  `# provider-local-onnx benchmark (CPU, ${ort.env.versions.node ? `onnxruntime-node ${ort.env.versions.node}` : "onnxruntime-node"}, Node ${process.version})`,
);
console.log(`device: ${JSON.stringify(local.deviceSelection())}`);
console.log(
  `first call (load + 1 sentence): bare ${bareLoadMs.toFixed(1)} ms, gateway ${gatewayLoadMs.toFixed(1)} ms`,
);

// Same answers first: the comparison is only meaningful if both compute the same thing.
const check = (await gateway.embedBatch(texts32, "minilm-l6")).map((embedding) => embedding.values);
const reference = await bareEmbed.embed(texts32);
const maxDiff = Math.max(
  ...check.flatMap((vector, row) =>
    vector.map((value, d) => Math.abs(value - reference[row]![d]!)),
  ),
);
if (maxDiff > 1e-5) throw new Error(`gateway and bare embeddings differ by ${maxDiff}`);

const rounds = quick ? 2 : 10;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
/** Documents per second of `run` over `calls` calls of `size` documents each. */
const docsPerSecond = async (run: () => Promise<unknown>, calls: number, size: number) => {
  const start = process.hrtime.bigint();
  for (let call = 0; call < calls; call++) await run();
  return (calls * size) / (Number(process.hrtime.bigint() - start) / 1e9);
};
for (const size of [1, 32]) {
  const batch = texts32.slice(0, size);
  const bare = () => bareEmbed.embed(batch);
  const viaGateway = () => gateway.embedBatch(batch, "minilm-l6");
  // Short side-by-side rounds, many of them: the median of their ratios shrugs off the bursts of
  // other load that a shared machine has, which longer rounds would average in on one side only.
  const calls = size === 1 ? 4 : 1;
  await docsPerSecond(bare, calls * 5, size);
  await docsPerSecond(viaGateway, calls * 5, size);
  const sideBySide = quick ? 5 : size === 1 ? 301 : 61;
  const bareRates: number[] = [];
  const gatewayRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < sideBySide; round++) {
    // Alternate which side goes first, so neither always runs on a warmer machine.
    let bareRate: number;
    let gatewayRate: number;
    if (round % 2 === 0) {
      bareRate = await docsPerSecond(bare, calls, size);
      gatewayRate = await docsPerSecond(viaGateway, calls, size);
    } else {
      gatewayRate = await docsPerSecond(viaGateway, calls, size);
      bareRate = await docsPerSecond(bare, calls, size);
    }
    bareRates.push(bareRate);
    gatewayRates.push(gatewayRate);
    ratios.push(gatewayRate / bareRate);
  }
  const sortedRatios = [...ratios].sort((a, b) => a - b);
  console.log(
    `\n## embedBatch, batch ${size}, MiniLM-L6 shape (${sideBySide} side-by-side rounds of ${calls * size} documents each)`,
  );
  console.log(
    `docs/s (median): bare onnxruntime-node ${median(bareRates).toFixed(1)}, gateway ${median(gatewayRates).toFixed(1)}`,
  );
  console.log(
    `ratio gateway/bare: median ${median(ratios).toFixed(3)}x (middle half of the rounds ${sortedRatios[Math.floor(sortedRatios.length / 4)]!.toFixed(3)}–${sortedRatios[Math.floor((sortedRatios.length * 3) / 4)]!.toFixed(3)})  [target: >= 0.95]`,
  );
}

const bareNli = await bareEncoder(bench.nli, "onnx/model.onnx");
await gateway.inferNliBatch(pairs50.slice(0, 1), "bench-nli");
const nli = await compare(
  { name: "bare ort NLI x50", run: () => bareNli.nli(pairs50) },
  { name: "gateway.inferNliBatch x50", run: () => gateway.inferNliBatch(pairs50, "bench-nli") },
  { rounds, iterations: 10, warmup: 3, interleave: "round" },
);
printComparison("inferNliBatch, 50 pairs", nli, "ratio >= 0.95");
console.log(medianRatio(nli));
console.log(
  `pairs/s: bare ${Math.round(nli.reference.opsPerSecond * 50)}, gateway ${Math.round(nli.candidate.opsPerSecond * 50)}`,
);

for (const [label, directory, name] of [
  ["tiny decoder, ~50 µs per step", tiny.decoder, "tiny-gpt"],
  ["bench decoder, 4 dense layers of 512/2048 per token", bench.decoder, "bench-gpt"],
] as const) {
  const bareGenerate = await bareDecoder(directory);
  const bareOut = await bareGenerate(">", 64);
  const gatewayOut = await gateway.generate(">", { model: name, maxTokens: 64 });
  if (bareOut.text !== gatewayOut.text)
    throw new Error(`generations differ: ${bareOut.text} vs ${gatewayOut.text}`);
  const generation = await compare(
    { name: "bare ort decode loop", run: () => bareGenerate(">", 64) },
    { name: "gateway.generate", run: () => gateway.generate(">", { model: name, maxTokens: 64 }) },
    { rounds, iterations: 20, warmup: 5, interleave: "round" },
  );
  printComparison(
    `generate (${label}; greedy, KV cache, ${bareOut.tokens} tokens + end-of-text)`,
    generation,
  );
  console.log(medianRatio(generation));
  const tokens = bareOut.tokens + 1;
  console.log(
    `tokens/s: bare ${Math.round(generation.reference.opsPerSecond * tokens)}, gateway ${Math.round(generation.candidate.opsPerSecond * tokens)}`,
  );
}

console.log(`\npeak RSS: ${peakRssMiB().toFixed(0)} MiB`);
await gateway.dispose();
await rm(root, { recursive: true, force: true });
