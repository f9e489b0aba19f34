import type { ProviderV1 } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, hashEmbedding } from "@ratatoskr/testing";
import { BadRequestError } from "openai";
import { describe, expect, it } from "vitest";
import { base64Float32 } from "./embeddings-endpoint.ts";
import { serve, serveMock } from "./openai-http.test-helpers.ts";

describe("POST /v1/completions", () => {
  it("answers a text_completion object", async () => {
    const { client, mock } = await serveMock();
    const completion = await client.completions.create({
      model: "mock:base",
      prompt: "Once upon",
      max_tokens: 20,
      temperature: 0.3,
      stop: ["\n"],
      seed: 3,
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.id).toMatch(/^cmpl-\w+$/);
    expect(completion.choices).toEqual([
      { text: "mock: Once upon", index: 0, logprobs: null, finish_reason: "stop" },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(mock.callsOf("generate")[0]?.request).toMatchObject({
      prompt: "Once upon",
      settings: { maxTokens: 20, temperature: 0.3, stopSequences: ["\n"], seed: 3 },
    });
  });

  it("streams text_completion chunks, then a usage chunk when asked", async () => {
    const { client } = await serveMock();
    const stream = await client.completions.create({
      model: "mock:base",
      prompt: ["Hello world"],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("mock: Hello world");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
    });
  });

  it("refuses what it cannot honour: several prompts, n > 1", async () => {
    const { client } = await serveMock();
    const several = await client.completions
      .create({ model: "mock:base", prompt: ["a", "b"] })
      .catch((error: unknown) => error);
    expect(several).toBeInstanceOf(BadRequestError);
    expect((several as BadRequestError).param).toBe("prompt");
    const many = await client.completions
      .create({ model: "mock:base", prompt: "a", n: 2 })
      .catch((error: unknown) => error);
    expect((many as BadRequestError).message).toContain("n is not supported");
  });
});

describe("POST /v1/embeddings", () => {
  it("answers float vectors in input order", async () => {
    const { client } = await serveMock();
    const result = await client.embeddings.create({
      model: "mock:embed",
      input: ["alpha", "beta"],
      encoding_format: "float",
    });
    expect(result.object).toBe("list");
    expect(result.data.map((item) => [item.object, item.index])).toEqual([
      ["embedding", 0],
      ["embedding", 1],
    ]);
    expect(result.data[0]?.embedding).toEqual(hashEmbedding("alpha", 8));
    expect(result.data[1]?.embedding).toEqual(hashEmbedding("beta", 8));
  });

  it("answers base64 (little-endian float32) that the SDK decodes back to the numbers", async () => {
    const { client } = await serveMock();
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const result = await client.embeddings.create({ model: "mock:embed", input: "gamma" });
    expect(result.data[0]?.embedding).toEqual(hashEmbedding("gamma", 8).map(Math.fround));
  });

  it("encodes base64 as little-endian float32 bytes", () => {
    const bytes = Buffer.from(base64Float32([1, -2.5]), "base64");
    expect([...bytes]).toEqual([0, 0, 128, 63, 0, 0, 32, 192]);
  });

  it("accepts dimensions equal to the model's, and refuses others", async () => {
    const { client } = await serveMock();
    const same = await client.embeddings.create({
      model: "mock:embed",
      input: "x",
      dimensions: 8,
      encoding_format: "float",
    });
    expect(same.data[0]?.embedding).toHaveLength(8);
    const other = await client.embeddings
      .create({ model: "mock:embed", input: "x", dimensions: 4 })
      .catch((error: unknown) => error);
    expect(other).toBeInstanceOf(BadRequestError);
    expect((other as BadRequestError).message).toContain("dimensions 4 is not supported");
    expect((other as BadRequestError).code).toBe("unsupported_parameter");
  });

  it("refuses token-id input with a typed message", async () => {
    const { client } = await serveMock();
    const error = await client.embeddings
      .create({ model: "mock:embed", input: [[1, 2, 3]] })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain(
      "input must be a string or a non-empty array of strings",
    );
  });
});

describe("GET /v1/models", () => {
  it("lists every provider's models, owned by the provider", async () => {
    const catalog: ProviderV1 = {
      specificationVersion: "v1",
      id: "acme",
      chat: { complete: async () => ({ content: "", toolCalls: [], finishReason: "stop" }) },
      models: {
        listModels: async () => ({
          models: [
            { id: "acme-large", provider: "acme", capabilities: ["Chat"], source: "provider" },
            { id: "acme-small", provider: "acme", capabilities: ["Chat"], source: "provider" },
          ],
        }),
      },
    };
    const gateway = await Ratatoskr.builder()
      .use(catalog)
      .use(createMockProvider({ id: "mock" }))
      .build();
    const { client } = await serve(gateway);
    const page = await client.models.list();
    expect(page.data).toEqual([
      { id: "acme-large", object: "model", created: 0, owned_by: "acme" },
      { id: "acme-small", object: "model", created: 0, owned_by: "acme" },
    ]);
  });
});
