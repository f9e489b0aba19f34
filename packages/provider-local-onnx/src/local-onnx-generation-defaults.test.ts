import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import type { GenerationStreamPartV1 } from "@ratatoskr/core";
import {
  DECODER,
  DECODER_SCRIPT,
  decoderReferenceLogits,
  seededRandom as referenceRandom,
} from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { selectDevice } from "./device.ts";
import { HubDownloader } from "./hub-download.ts";
import { generateTokens } from "./local-onnx-generation.ts";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { loadOnnxModel } from "./onnx-model-loader.ts";
import { referenceSelectToken } from "./reference-select-token.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { generate, generateStream } from "./test-requests.ts";

const END = DECODER.endOfTextId;

/**
 * The decoding loop written independently of the provider: next-token logits
 * of the whole sequence from the model's reference computation, the
 * repetition penalty as transformers' RepetitionPenaltyLogitsProcessor
 * (every token of prompt and output once: negative × p, positive ÷ p), then
 * a full-sort sampler. Returns the generated ids (end-of-text excluded).
 */
function referenceGenerate(
  prompt: number[],
  settings: {
    temperature?: number;
    topK?: number;
    topP?: number;
    repetitionPenalty?: number;
    seed?: number;
    maxTokens: number;
    eos?: number[];
  },
): number[] {
  const random = referenceRandom(settings.seed ?? 0);
  const ids = [...prompt];
  const generated: number[] = [];
  const eos = settings.eos ?? [END];
  for (let step = 0; step < settings.maxTokens; step++) {
    const logits = decoderReferenceLogits(ids);
    if (settings.repetitionPenalty !== undefined) {
      for (const id of new Set(ids)) {
        const value = logits[id]!;
        logits[id] =
          value < 0 ? value * settings.repetitionPenalty : value / settings.repetitionPenalty;
      }
    }
    const token = referenceSelectToken(logits, settings, random);
    if (eos.includes(token)) break;
    ids.push(token);
    generated.push(token);
  }
  return generated;
}

describe("generation defaults from generation_config.json", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let provider: LocalOnnxProvider;
  let tokenizer: Tokenizer;
  const promptIds = [62]; // ">"

  beforeAll(async () => {
    models = await temporaryTestModels();
    const variant = async (name: string, generationConfig: Record<string, unknown>) => {
      const directory = join(models.root, name);
      await cp(models.decoder, directory, { recursive: true });
      await writeFile(join(directory, "generation_config.json"), JSON.stringify(generationConfig));
      return { name, path: directory };
    };
    provider = createLocalOnnx({
      generationModels: [
        { name: "tiny-gpt", path: models.decoder },
        await variant("eos-list", { bos_token_id: END, eos_token_id: [33, END] }),
        await variant("sampling", {
          do_sample: true,
          temperature: 2.5,
          top_k: 6,
          top_p: 0.9,
          eos_token_id: END,
        }),
        await variant("penalty", { repetition_penalty: 25, eos_token_id: END }),
        await variant("sampling-off", { do_sample: false, temperature: 2.5, top_k: 6 }),
        await variant("bad-config", { do_sample: true, temperature: "hot" }),
      ],
      offline: true,
      cacheDir: models.root,
    });
    tokenizer = new Tokenizer(
      JSON.parse(await readFile(join(models.decoder, "tokenizer.json"), "utf8")),
      JSON.parse(await readFile(join(models.decoder, "tokenizer_config.json"), "utf8")),
    );
  });
  afterAll(async () => {
    await provider.dispose?.();
    await models.cleanup();
  });

  it("eos_token_id as a list: generation stops at any of them", async () => {
    const response = await generate(provider, ">", { model: "eos-list" });
    expect(response.text).toBe("Hello, wörld");
    expect(response.finishReason).toBe("stop");
    expect(response.usage?.completionTokens).toBe(new TextEncoder().encode("Hello, wörld!").length);
  });

  it("do_sample, temperature, top_k and top_p from the file drive sampling", async () => {
    const expected = referenceGenerate(promptIds, {
      temperature: 2.5,
      topK: 6,
      topP: 0.9,
      seed: 7,
      maxTokens: 24,
    });
    const response = await generate(provider, ">", { model: "sampling", seed: 7, maxTokens: 24 });
    expect(response.text).toBe(tokenizer.decode(expected));
    expect(response.text).not.toBe(DECODER_SCRIPT.slice(0, response.text.length));
  });

  it("caller options override the file, field by field", async () => {
    // temperature 0: greedy whatever the file says.
    expect((await generate(provider, ">", { model: "sampling", temperature: 0 })).text).toBe(
      DECODER_SCRIPT,
    );
    // The caller's topK replaces top_k; the file's temperature and top_p stay.
    const expected = referenceGenerate(promptIds, {
      temperature: 2.5,
      topK: 2,
      topP: 0.9,
      seed: 5,
      maxTokens: 16,
    });
    const response = await generate(provider, ">", {
      model: "sampling",
      topK: 2,
      seed: 5,
      maxTokens: 16,
    });
    expect(response.text).toBe(tokenizer.decode(expected));
    // do_sample false: greedy unless the caller asks for a temperature.
    expect((await generate(provider, ">", { model: "sampling-off" })).text).toBe(DECODER_SCRIPT);
  });

  it("repetition_penalty from the file, overridable with providerOptions.local.repetitionPenalty", async () => {
    const expected = referenceGenerate(promptIds, { repetitionPenalty: 25, maxTokens: 20 });
    const response = await generate(provider, ">", { model: "penalty", maxTokens: 20 });
    expect(response.text).toBe(tokenizer.decode(expected));
    expect(response.text).not.toBe(DECODER_SCRIPT.slice(0, response.text.length));
    const off = await generate(provider, ">", {
      model: "penalty",
      providerOptions: { repetitionPenalty: 1 },
    });
    expect(off.text).toBe(DECODER_SCRIPT);
    for (const bad of [-1, 0, "2", Number.NaN]) {
      await expect(
        generate(provider, ">", {
          model: "penalty",
          providerOptions: { repetitionPenalty: bad },
        }),
      ).rejects.toMatchObject({
        code: "invalid_input",
        details: { field: "providerOptions.local.repetitionPenalty" },
      });
    }
    // The stream checks it before it loads the model, on its first step.
    const streamed = generateStream(provider, ">", {
      model: "penalty",
      providerOptions: { repetitionPenalty: 0 },
    });
    await expect(streamed[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("a malformed generation_config.json value is a configuration error naming it", async () => {
    await expect(generate(provider, ">", { model: "bad-config" })).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("temperature"),
    });
  });

  it("runs no forward pass after the last token at maxTokens", async () => {
    const hub = new HubDownloader({
      cacheDir: models.root,
      hubUrl: "http://127.0.0.1:9",
      offline: true,
      fetch,
    });
    const loaded = await loadOnnxModel(
      {
        name: "tiny-gpt",
        kind: "generation",
        source: { type: "directory", path: models.decoder },
        files: ["onnx/model.onnx"],
        pooling: "mean",
        normalize: false,
        maxLength: 64,
        aliases: [],
      },
      { hub, device: selectDevice("cpu") },
    );
    const run = vi.spyOn(loaded.session, "run");
    const events: GenerationStreamPartV1[] = [];
    for await (const event of generateTokens(loaded, ">", { maxTokens: 5 })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "length" });
    // One prefill for the prompt, then one step per token but the last: 5 tokens, 5 passes.
    expect(run).toHaveBeenCalledTimes(5);
    run.mockClear();
    // Ending at the window (prompt 60 + 4 = 64 positions) likewise.
    for await (const _ of generateTokens(loaded, "x".repeat(60), { maxTokens: 50 })) {
      // drain
    }
    expect(run).toHaveBeenCalledTimes(4);
    await loaded.dispose();
  });
});
