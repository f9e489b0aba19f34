import { runProviderConformance } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { localOnnxDescriptor } from "./local-onnx-descriptor.ts";
import { createLocalOnnx } from "./local-onnx-provider.ts";
import { temporaryTestModels } from "./test-fixtures.ts";
import { generationRequest } from "./test-requests.ts";

let models: Awaited<ReturnType<typeof temporaryTestModels>>;
beforeAll(async () => {
  models = await temporaryTestModels();
});
afterAll(() => models.cleanup());

const create = () =>
  createLocalOnnx({
    embeddingModels: [{ name: "mini-bert", path: models.encoder, dimensions: 8 }],
    nliModels: [{ name: "tiny-nli", path: models.nli }],
    generationModels: [{ name: "tiny-gpt", path: models.decoder }],
    cacheDir: models.root,
    offline: true,
  });

runProviderConformance({
  name: "local-onnx",
  createProvider: create,
  descriptor: localOnnxDescriptor,
  scenarios: {
    models: {
      minModels: 3,
      status: { model: "mini-bert", expectKnown: true },
    },
    embed: {
      values: ["hello", "the cat sat on the mat", "rain"],
      model: "mini-bert",
      dimensions: 8,
      unknownProviderOption: "beamWidth",
    },
    nli: {
      pairs: [
        { premise: "the cat sat on the mat", hypothesis: "the cat is sleeping" },
        { premise: "i love the sun", hypothesis: "the weather is good" },
        { premise: "the team won", hypothesis: "the team is sad" },
      ],
      model: "tiny-nli",
      unknownProviderOption: "beamWidth",
    },
    classify: {
      text: "the team won the game",
      labels: ["sports", "politics", "weather"],
      model: "tiny-nli",
      unknownProviderOption: "beamWidth",
    },
    generate: { prompt: ">", model: "tiny-gpt", settings: { maxTokens: 5 }, expectText: "Hello" },
    generateStream: {
      prompt: ">",
      model: "tiny-gpt",
      settings: { maxTokens: 5 },
      expectText: "Hello",
    },
    generationWarnings: {
      prompt: ">",
      model: "tiny-gpt",
      // Greedy decoding (an explicit temperature 0) samples nothing: top-k and top-p do not apply.
      settings: { maxTokens: 5, temperature: 0 },
      unsupportedSettings: { topK: 40, topP: 0.9 },
      unknownProviderOption: "beamWidth",
    },
    errors: {
      "an unknown model (declined for the next provider)": {
        call: (provider, signal) =>
          provider.embedding!.embed({
            model: "no-such-model",
            values: ["hello"],
            providerOptions: {},
            signal,
          }),
        code: "model_not_available",
      },
      "an uncached Hub model in offline mode": {
        call: (provider, signal) =>
          provider.embedding!.embed({
            model: "AllMiniLmL6V2",
            values: ["hello"],
            providerOptions: {},
            signal,
          }),
        code: "configuration",
      },
      "a prompt longer than the context window": {
        call: (provider, signal) =>
          provider.generation!.complete!(
            generationRequest("x".repeat(100), "tiny-gpt", {}, { signal }),
          ),
        code: "context_length_exceeded",
      },
      "a repetitionPenalty that is not above 0": {
        call: (provider, signal) =>
          provider.generation!.stream!(
            generationRequest(
              ">",
              "tiny-gpt",
              {},
              { signal, providerOptions: { repetitionPenalty: 0 } },
            ),
          ),
        code: "invalid_input",
      },
    },
  },
});
