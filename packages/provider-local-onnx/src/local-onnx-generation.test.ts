import type { GenerationStreamPartV1 } from "@ratatoskr/core";
import {
  DECODER,
  DECODER_SCRIPT,
  decoderReferenceLogits,
  decoderScriptIds,
} from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectDevice } from "./device.ts";
import { HubDownloader } from "./hub-download.ts";
import { CausalLmSession } from "./local-onnx-generation.ts";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { type LoadedOnnxModel, loadOnnxModel } from "./onnx-model-loader.ts";
import { seededRandom, selectToken } from "./select-token.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { generate, generateStream } from "./test-requests.ts";

async function collect(
  stream: AsyncIterable<GenerationStreamPartV1>,
): Promise<GenerationStreamPartV1[]> {
  const events: GenerationStreamPartV1[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const scriptBytes = new TextEncoder().encode(DECODER_SCRIPT).length;

describe("generation on the tiny-gpt causal LM (KV cache)", () => {
  let models: Awaited<ReturnType<typeof temporaryTestModels>>;
  let provider: LocalOnnxProvider;
  let loaded: LoadedOnnxModel;

  beforeAll(async () => {
    models = await temporaryTestModels();
    provider = createLocalOnnx({
      generationModels: [{ name: "tiny-gpt", path: models.decoder }],
      offline: true,
      cacheDir: models.root,
    });
    const hub = new HubDownloader({
      cacheDir: models.root,
      hubUrl: "http://127.0.0.1:9",
      offline: true,
      fetch,
    });
    loaded = await loadOnnxModel(
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
  });
  afterAll(async () => {
    await loaded.dispose();
    await provider.dispose?.();
    await models.cleanup();
  });

  it("prefill + cached steps give exactly the logits of a full recomputation", async () => {
    const session = new CausalLmSession(loaded);
    const ids = [72, 105, 33, 257, 195, 182];
    let logits = await session.prefill(ids.slice(0, 2));
    for (let length = 2; length <= ids.length; length++) {
      const expected = decoderReferenceLogits(ids.slice(0, length));
      expect(logits).toHaveLength(expected.length);
      for (let token = 0; token < expected.length; token += 13)
        expect(logits[token]).toBeCloseTo(expected[token]!, 4);
      if (length < ids.length) logits = await session.step(ids[length]!);
    }
    expect(session.length).toBe(ids.length);
  });

  it("greedy generation spells the script and stops at end-of-text with usage", async () => {
    const response = await generate(provider, ">", { model: "tiny-gpt" });
    expect(response.text).toBe(DECODER_SCRIPT);
    expect(response.finishReason).toBe("stop");
    // One prompt token; every script byte plus the end-of-text token were generated.
    expect(response.usage).toEqual({
      promptTokens: 1,
      completionTokens: scriptBytes + 1,
      totalTokens: scriptBytes + 2,
    });
    expect(response.response).toEqual({ model: "tiny-gpt" });
    expect(response.warnings).toBeUndefined();
  });

  it("generateStream never splits a multi-byte character and ends with usage then done", async () => {
    const events = await collect(generateStream(provider, ">", { model: "tiny-gpt" }));
    const texts = events
      .filter((event) => event.type === "text")
      .map((event) => (event as { text: string }).text);
    for (const text of texts) expect(text).not.toContain("\uFFFD");
    expect(texts.join("")).toBe(DECODER_SCRIPT);
    // ö (2 bytes) and ✓ (3 bytes) come out whole, so there are fewer chunks than byte tokens.
    expect(texts).toContain("ö");
    expect(texts).toContain("✓");
    expect(texts.length).toBe([...DECODER_SCRIPT].length);
    expect(events.at(-2)?.type).toBe("usage");
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
  });

  it("a longer prompt continues the script from its position", async () => {
    const response = await generate(provider, "abcd", { model: "tiny-gpt" });
    const expected = new TextDecoder().decode(new Uint8Array(decoderScriptIds().slice(3, -1)));
    expect(response.text).toBe(expected);
  });

  it("maxTokens ends with finish reason length", async () => {
    const response = await generate(provider, ">", { model: "tiny-gpt", maxTokens: 5 });
    expect(response.text).toBe("Hello");
    expect(response.finishReason).toBe("length");
    expect(response.usage?.completionTokens).toBe(5);
  });

  it("stop sequences cut the text and are never streamed, not even in part", async () => {
    const events = await collect(
      generateStream(provider, ">", { model: "tiny-gpt", stopSequences: ["Then"] }),
    );
    const texts = events
      .filter((event) => event.type === "text")
      .map((event) => (event as { text: string }).text);
    expect(texts.join("")).toBe("Hello, wörld! ✓ ");
    expect(texts.some((text) => text.includes("T"))).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
    const multiByte = await generate(provider, ">", {
      model: "tiny-gpt",
      stopSequences: ["rld", "zzz"],
    });
    expect(multiByte.text).toBe("Hello, wö");
    expect(multiByte.finishReason).toBe("stop");
  });

  it("stops at the model's context window with finish reason length, and refuses a prompt that fills it", async () => {
    const prompt = "x".repeat(DECODER.maxPositions - 3);
    const response = await generate(provider, prompt, { model: "tiny-gpt", maxTokens: 50 });
    expect(response.finishReason).toBe("length");
    expect(response.text).toMatch(/^~+$/);
    // Prompt + generated tokens fill the window exactly.
    expect(response.usage!.promptTokens + response.usage!.completionTokens).toBe(
      DECODER.maxPositions,
    );
    await expect(
      generate(provider, "x".repeat(DECODER.maxPositions), { model: "tiny-gpt" }),
    ).rejects.toMatchObject({
      code: "context_length_exceeded",
      limit: DECODER.maxPositions,
    });
  });

  it("sampling with a seed is reproducible; top-k 1 is greedy", async () => {
    const options = { model: "tiny-gpt", temperature: 20, seed: 7, maxTokens: 12 };
    const first = await generate(provider, ">", options);
    const second = await generate(provider, ">", options);
    expect(second.text).toBe(first.text);
    expect(first.text).not.toBe("Hello, wörld");
    const topOne = await generate(provider, ">", {
      model: "tiny-gpt",
      temperature: 5,
      topK: 1,
      seed: 3,
    });
    expect(topOne.text).toBe(DECODER_SCRIPT);
  });

  it("aborting mid-stream ends it with an aborted error; an aborted signal rejects at once", async () => {
    const controller = new AbortController();
    const seen: GenerationStreamPartV1[] = [];
    const outcome = await (async () => {
      try {
        for await (const event of generateStream(provider, ">", {
          model: "tiny-gpt",
          signal: controller.signal,
        })) {
          seen.push(event);
          if (seen.length === 2) controller.abort();
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(outcome).toMatchObject({ code: "aborted" });
    expect(seen.some((event) => event.type === "done")).toBe(false);
    const already = new AbortController();
    already.abort();
    await expect(
      generate(provider, ">", { model: "tiny-gpt", signal: already.signal }),
    ).rejects.toMatchObject({ code: "aborted" });
  });

  it("breaking out of the stream releases the model (it can be unloaded)", async () => {
    for await (const event of generateStream(provider, ">", { model: "tiny-gpt" })) {
      if (event.type === "text") break;
    }
    expect(provider.loaded()).toContain("generation:tiny-gpt");
    expect(await provider.unload("tiny-gpt", "generation")).toBe(true);
    expect(provider.loaded()).not.toContain("generation:tiny-gpt");
  });
});

describe("selectToken", () => {
  const logits = new Float32Array([1, 3, 2, 0.5]);

  it("argmax without temperature", () => {
    expect(selectToken(logits, {}, () => 0.99)).toBe(1);
    expect(selectToken(logits, { temperature: 0 }, () => 0.99)).toBe(1);
  });

  it("top-p keeps the smallest set reaching p; top-k the k best", () => {
    // softmax(1,3,2,0.5): p(1)=0.64…, so top-p 0.5 keeps only token 1 whatever the draw.
    expect(selectToken(logits, { temperature: 1, topP: 0.5 }, () => 0.999)).toBe(1);
    expect(selectToken(logits, { temperature: 1, topK: 2 }, () => 0.999)).toBe(2);
    expect(selectToken(logits, { temperature: 1, topK: 2 }, () => 0)).toBe(1);
  });

  it("samples in proportion to softmax(logits / temperature)", () => {
    const random = seededRandom(42);
    const counts = [0, 0, 0, 0];
    for (let draw = 0; draw < 4000; draw++)
      counts[selectToken(logits, { temperature: 1 }, random)]!++;
    const exps = [...logits].map((value) => Math.exp(value));
    const total = exps.reduce((a, b) => a + b, 0);
    counts.forEach((count, index) => {
      expect(count / 4000).toBeCloseTo(exps[index]! / total, 1);
    });
  });
});

describe("CausalLmSession: what a decoder export must look like", () => {
  const fake = (
    inputNames: string[],
    outputNames: string[],
    cacheType = "float32",
    config: Record<string, unknown> = {},
  ) =>
    ({
      spec: { name: "fake" },
      config,
      session: {
        inputNames,
        outputNames,
        inputMetadata: inputNames.map((name) => ({
          name,
          isTensor: true,
          type: name.startsWith("past") ? cacheType : "int64",
          shape: name.startsWith("past")
            ? ["batch_size", 2, "past_sequence_length", 4]
            : ["batch_size", "sequence_length"],
        })),
      },
      ort: { Tensor: class {} },
    }) as unknown as LoadedOnnxModel;
  const standard = [
    "input_ids",
    "attention_mask",
    "past_key_values.0.key",
    "past_key_values.0.value",
  ];
  const presents = ["logits", "present.0.key", "present.0.value"];

  it("accepts the standard export", () => {
    expect(() => new CausalLmSession(fake(standard, presents))).not.toThrow();
  });

  it("refuses exports it cannot drive, saying why", () => {
    const cases: Array<[LoadedOnnxModel, string]> = [
      [fake(["input_ids", "attention_mask"], ["logits"]), "KV cache"],
      [fake(standard, ["logits", "present.0.key"]), "no present.0.value"],
      [fake([...standard, "num_logits_to_keep"], presents), "num_logits_to_keep"],
      [fake(standard, presents, "float16"), "float16 KV cache"],
      [fake(["input_ids"], ["last_hidden_state"]), "not a causal LM"],
    ];
    for (const [model, message] of cases) {
      expect(() => new CausalLmSession(model), message).toThrow(
        expect.objectContaining({
          code: "configuration",
          message: expect.stringContaining(message),
        }),
      );
    }
  });
});
