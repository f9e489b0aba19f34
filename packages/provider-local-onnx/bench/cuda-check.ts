/**
 * The GPU-machine check, ready to run where onnxruntime-node's CUDA provider
 * and an NVIDIA GPU are present (it exits with code 2 and the reason where
 * they are not): the same generated models on `device: "cpu"` and
 * `device: "cuda"`, outputs compared (embeddings, NLI scores, next-token
 * logits along a greedy decode, generated text), then generation tokens/s
 * on each device.
 *
 * Run: npx -y pnpm@12.4.2 --filter @ratatoskr/provider-local-onnx bench:cuda
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { writeBenchModels, writeMiniLmModel, writeTestModels } from "@ratatoskr/onnx-test-models";
import {
  createLocalOnnx,
  type DeviceSetting,
  HubDownloader,
  type LocalOnnxProvider,
  selectDevice,
} from "../src/index.ts";
import { CausalLmSession, loadOnnxModel } from "../src/internal.ts";

const TOLERANCE = 1e-4;
const root = await mkdtemp(join(tmpdir(), "ratatoskr-cuda-check-"));
const tiny = await writeTestModels(join(root, "tiny"));
const bench = await writeBenchModels(join(root, "bench"));
const miniLm = await writeMiniLmModel(join(root, "minilm-l6"));

const create = (device: DeviceSetting): LocalOnnxProvider =>
  createLocalOnnx({
    device,
    embeddingModels: [{ name: "minilm-l6", path: miniLm }],
    nliModels: [{ name: "tiny-nli", path: tiny.nli }],
    generationModels: [
      { name: "tiny-gpt", path: tiny.decoder },
      { name: "bench-gpt", path: bench.decoder },
    ],
    offline: true,
    cacheDir: root,
  });

let cuda: LocalOnnxProvider;
try {
  cuda = create("cuda");
} catch (error) {
  console.log(`no CUDA here: ${RatatoskrError.isInstance(error) ? error.message : String(error)}`);
  await rm(root, { recursive: true, force: true });
  process.exit(2);
}
const cpu = create("cpu");
console.log(`cuda: ${cuda.deviceSelection().reason}`);

/** What every v1 request carries besides its payload: no provider options, a signal that never fires. */
const call = { providerOptions: {}, signal: new AbortController().signal };
const generate = async (provider: LocalOnnxProvider, model: string, maxTokens?: number) =>
  provider.generation.complete({
    ...call,
    model,
    prompt: ">",
    settings: maxTokens === undefined ? {} : { maxTokens },
  });

const worst = { value: 0 };
const compare = (name: string, left: ArrayLike<number>, right: ArrayLike<number>) => {
  let difference = 0;
  for (let index = 0; index < left.length; index++)
    difference = Math.max(difference, Math.abs(left[index]! - right[index]!));
  worst.value = Math.max(worst.value, difference);
  console.log(`${name}: max |cpu − cuda| = ${difference.toExponential(2)}`);
};

const texts = Array.from({ length: 32 }, (_, index) =>
  "the cat sat on a mat while the dog was running outside in the sun today"
    .split(" ")
    .slice(0, 4 + (index % 12))
    .join(" "),
);
const [cpuVectors, cudaVectors] = await Promise.all([
  cpu.embedding.embed({ ...call, model: "minilm-l6", values: texts }),
  cuda.embedding.embed({ ...call, model: "minilm-l6", values: texts }),
]);
compare(
  "embeddings (MiniLM-L6 shape, 32 texts)",
  cpuVectors.embeddings.flatMap((vector) => vector.values),
  cudaVectors.embeddings.flatMap((vector) => vector.values),
);

const pairs = texts.map((premise, index) => ({ premise, hypothesis: texts[(index + 7) % 32]! }));
const scores = (provider: LocalOnnxProvider) =>
  provider.nli
    .infer({ ...call, model: "tiny-nli", pairs })
    .then(({ results }) =>
      results.flatMap((result) => [result.entailment, result.neutral, result.contradiction]),
    );
compare("NLI scores (32 pairs)", await scores(cpu), await scores(cuda));

// Next-token logits along 24 cached steps of the bench decoder.
const hub = new HubDownloader({
  cacheDir: root,
  hubUrl: "http://127.0.0.1:9",
  offline: true,
  fetch,
});
const spec = {
  name: "bench-gpt",
  kind: "generation" as const,
  source: { type: "directory" as const, path: bench.decoder },
  files: ["onnx/model.onnx"],
  maxLength: 64,
  aliases: [],
};
const cpuModel = await loadOnnxModel(spec, { hub, device: selectDevice("cpu") });
const cudaModel = await loadOnnxModel(spec, { hub, device: cuda.deviceSelection() });
const cpuSession = new CausalLmSession(cpuModel);
const cudaSession = new CausalLmSession(cudaModel);
let cpuLogits = await cpuSession.prefill([62]);
let cudaLogits = await cudaSession.prefill([62]);
for (let step = 0; step < 24; step++) {
  compare(`decoder logits, step ${step}`, cpuLogits, cudaLogits);
  let next = 0;
  for (let token = 1; token < cpuLogits.length; token++)
    if (cpuLogits[token]! > cpuLogits[next]!) next = token;
  cpuLogits = await cpuSession.step(next);
  cudaLogits = await cudaSession.step(next);
}
await cpuModel.dispose();
await cudaModel.dispose();

const cpuText = (await generate(cpu, "tiny-gpt")).text;
const cudaText = (await generate(cuda, "tiny-gpt")).text;
console.log(`greedy text equal on both: ${cpuText === cudaText}`);
console.log(
  `\nCPU and CUDA agree within ${TOLERANCE}: ${worst.value <= TOLERANCE && cpuText === cudaText ? "yes" : "NO"} (worst ${worst.value.toExponential(2)})`,
);

// Generation throughput on each device (greedy, 64 tokens, median of 7 runs).
for (const [name, provider] of [
  ["cpu", cpu],
  ["cuda", cuda],
] as const) {
  await generate(provider, "bench-gpt", 64);
  const rates: number[] = [];
  for (let run = 0; run < 7; run++) {
    const start = process.hrtime.bigint();
    const response = await generate(provider, "bench-gpt", 64);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(response.usage!.completionTokens / seconds);
  }
  rates.sort((a, b) => a - b);
  console.log(`generate, bench decoder, ${name}: ${rates[3]!.toFixed(0)} tokens/s (median of 7)`);
}

await cpu.dispose();
await cuda.dispose();
await rm(root, { recursive: true, force: true });
