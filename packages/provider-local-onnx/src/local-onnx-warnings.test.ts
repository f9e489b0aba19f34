/**
 * What the local provider cannot honour as asked comes back as a warning
 * (provider specification v1), never silence: on the result, as a stream
 * part, and — where the request alone tells — from `warningsFor`, which
 * strict mode asks before anything runs. Provider options: only this
 * provider's own entry is read, and every key it does not read is a
 * warning.
 */
import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DECODER } from "@ratatoskr/onnx-test-models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalOnnx, type LocalOnnxProvider } from "./local-onnx-provider.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { classifyRequest, embedRequest, generationRequest, nliRequest } from "./test-requests.ts";

let models: Awaited<ReturnType<typeof temporaryTestModels>>;
let provider: LocalOnnxProvider;

beforeAll(async () => {
  models = await temporaryTestModels();
  const sampling = join(models.root, "sampling");
  await cp(models.decoder, sampling, { recursive: true });
  await writeFile(
    join(sampling, "generation_config.json"),
    JSON.stringify({ do_sample: true, temperature: 2.5, eos_token_id: DECODER.endOfTextId }),
  );
  provider = createLocalOnnx({
    embeddingModels: [{ name: "mini-bert", path: models.encoder }],
    nliModels: [{ name: "tiny-nli", path: models.nli }],
    generationModels: [
      // No generation_config.json: greedy unless the caller gives a temperature.
      { name: "tiny-gpt", path: models.decoder },
      { name: "sampling", path: sampling },
    ],
    offline: true,
    cacheDir: models.root,
  });
});
afterAll(async () => {
  await provider.dispose();
  await models.cleanup();
});

const greedyIgnores = (setting: string) => ({
  type: "unsupported_setting",
  setting,
  details: `greedy decoding (temperature 0) ignores ${setting}; set a temperature above 0 to sample`,
});

describe("generation warnings", () => {
  it("topK and topP with an explicit temperature 0: predicted by warningsFor, returned by the call and the stream", async () => {
    const request = generationRequest(">", "tiny-gpt", { temperature: 0, topK: 5, topP: 0.5 });
    const expected = [greedyIgnores("topK"), greedyIgnores("topP")];
    expect(provider.generation.warningsFor(request)).toEqual(expected);
    const result = await provider.generation.complete(request);
    expect(result.warnings).toEqual(expected);
    const parts = [];
    for await (const part of provider.generation.stream(request)) parts.push(part);
    expect(parts.filter((part) => part.type === "warning").map((part) => part.warning)).toEqual(
      expected,
    );
    // Warnings come before the text they concern.
    const firstText = parts.findIndex((part) => part.type === "text");
    expect(parts.findLastIndex((part) => part.type === "warning")).toBeLessThan(firstText);
  });

  it("topK with no temperature on a model whose generation_config.json decodes greedily: known only once the model is, so returned but not predicted", async () => {
    const request = generationRequest(">", "tiny-gpt", { topK: 5, maxTokens: 3 });
    expect(provider.generation.warningsFor(request)).toEqual([]);
    expect((await provider.generation.complete(request)).warnings).toEqual([greedyIgnores("topK")]);
  });

  it("no warning where the settings are honoured: sampling (the caller's temperature, or the model's do_sample)", async () => {
    for (const request of [
      generationRequest(">", "tiny-gpt", { temperature: 1, topK: 5, topP: 0.9, seed: 1 }),
      generationRequest(">", "sampling", { topK: 5, seed: 1 }),
      generationRequest(">", "tiny-gpt", { maxTokens: 3, stopSequences: ["l"], seed: 2 }),
    ]) {
      expect(provider.generation.warningsFor(request)).toEqual([]);
      expect((await provider.generation.complete(request)).warnings).toBeUndefined();
    }
  });

  it("maxTokens beyond what the context window leaves is clamped, and says so", async () => {
    const prompt = "x".repeat(60); // 60 of the 64 positions
    const clamped = await provider.generation.complete(
      generationRequest(prompt, "tiny-gpt", { maxTokens: 50 }),
    );
    expect(clamped.warnings).toEqual([
      {
        type: "other",
        message:
          'maxTokens 50 is more than the 4 tokens model "tiny-gpt" has left after the 60-token prompt (context window 64): generating at most 4',
      },
    ]);
    expect(clamped.usage?.completionTokens).toBeLessThanOrEqual(4);
    // The default limit is not the caller's: no warning when it is the one clamped.
    expect(
      (await provider.generation.complete(generationRequest(prompt, "tiny-gpt"))).warnings,
    ).toBeUndefined();
  });
});

describe("provider options", () => {
  it("generate reads repetitionPenalty; every other key is an unknown_provider_option warning, a near miss naming the key meant", async () => {
    const request = generationRequest(
      ">",
      "tiny-gpt",
      { maxTokens: 5 },
      { providerOptions: { repetitionPenalty: 1, repetition_penalty: 0, beamWidth: 4 } },
    );
    const expected = [
      {
        type: "unknown_provider_option",
        option: "repetition_penalty",
        details: 'did you mean "repetitionPenalty"?',
      },
      { type: "unknown_provider_option", option: "beamWidth" },
    ];
    expect(provider.generation.warningsFor(request)).toEqual(expected);
    const result = await provider.generation.complete(request);
    // repetition_penalty 0 would be invalid: it was not read.
    expect(result).toMatchObject({ text: "Hello", warnings: expected });
  });

  it("an entry keyed by a provider id is not read as options: the provider gets its own entry only", async () => {
    const request = generationRequest(
      ">",
      "tiny-gpt",
      { maxTokens: 5 },
      { providerOptions: { local: { repetitionPenalty: 0 }, openrouter: { transforms: [] } } },
    );
    const result = await provider.generation.complete(request);
    expect(result.text).toBe("Hello");
    expect(
      result.warnings?.map(
        (warning) => warning.type === "unknown_provider_option" && warning.option,
      ),
    ).toEqual(["local", "openrouter"]);
  });

  it("embed, NLI and zero-shot read no option: each key is a warning, also from warningsFor (a generate option says so)", async () => {
    const providerOptions = { repetitionPenalty: 1.2, pooling: "cls" };
    const expected = [
      {
        type: "unknown_provider_option",
        option: "repetitionPenalty",
        details: "only generate reads it",
      },
      { type: "unknown_provider_option", option: "pooling" },
    ];
    const embedding = embedRequest(["hello"], "mini-bert", { providerOptions });
    // warningsFor tells before anything runs (strict mode), and agrees with the call.
    expect(provider.embedding.warningsFor?.(embedding)).toEqual(expected);
    const embedded = await provider.embedding.embed(embedding);
    expect(embedded.warnings).toEqual(expected);
    const pairs = nliRequest([{ premise: "a cat", hypothesis: "a dog" }], "tiny-nli", {
      providerOptions,
    });
    expect(provider.nli.warningsFor?.(pairs)).toEqual(expected);
    const inferred = await provider.nli.infer(pairs);
    expect(inferred.warnings).toEqual(expected);
    const request = classifyRequest(
      "the game",
      ["sports", "rain"],
      "tiny-nli",
      {},
      {
        providerOptions,
      },
    );
    expect(provider.classification.warningsFor(request)).toEqual(expected);
    expect((await provider.classification.classifyZeroShot(request)).warnings).toEqual(expected);
    // Without options: no warnings field at all.
    expect(
      (await provider.embedding.embed(embedRequest(["hello"], "mini-bert"))).warnings,
    ).toBeUndefined();
  });

  it("a bad repetitionPenalty is invalid_input naming it, before any model loads (warningsFor too)", async () => {
    const fresh = createLocalOnnx({
      generationModels: [{ name: "tiny-gpt", path: models.decoder }],
      offline: true,
      cacheDir: models.root,
    });
    const request = generationRequest(
      ">",
      "tiny-gpt",
      {},
      {
        providerOptions: { repetitionPenalty: -1 },
      },
    );
    const invalid = {
      code: "invalid_input",
      message: "providerOptions.local.repetitionPenalty must be a number above 0 (1 = off), got -1",
      details: { field: "providerOptions.local.repetitionPenalty" },
    };
    expect(() => fresh.generation.warningsFor(request)).toThrow(
      expect.objectContaining(invalid) as Error,
    );
    await expect(fresh.generation.complete(request)).rejects.toMatchObject(invalid);
    expect(fresh.loaded()).toEqual([]);
  });
});

describe("response metadata", () => {
  it("every result names the model that answered (the configured name of an alias)", async () => {
    const aliased = createLocalOnnx({
      embeddingModels: [{ name: "mini-bert", path: models.encoder, aliases: ["bert-alias"] }],
      offline: true,
      cacheDir: models.root,
    });
    const embedded = await aliased.embedding.embed(embedRequest(["hello"], "bert-alias"));
    expect(embedded.response).toEqual({ model: "mini-bert" });
    expect(embedded.embeddings[0]!.model).toBe("mini-bert");
    await aliased.dispose();
    const nli = await provider.nli.infer(
      nliRequest([{ premise: "a", hypothesis: "b" }], "tiny-nli"),
    );
    expect(nli.response).toEqual({ model: "tiny-nli" });
    const parts = [];
    for await (const part of provider.generation.stream(
      generationRequest(">", "tiny-gpt", { maxTokens: 2 }),
    )) {
      parts.push(part);
    }
    expect(parts[0]).toEqual({ type: "response_metadata", model: "tiny-gpt" });
  });
});
