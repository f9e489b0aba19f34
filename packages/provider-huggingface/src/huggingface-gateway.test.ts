import { Ratatoskr } from "@ratatoskr/gateway";
import { startLoopbackServer } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { EMBEDDING_MODEL, NLI_MODEL, TEST_KEY } from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

/** A fake HF Inference server: embeddings by text length; NLI entails when the premise mentions tea. */
async function fakeHuggingFace() {
  return startLoopbackServer((request, response, body) => {
    const { inputs } = JSON.parse(body) as { inputs: unknown };
    response.writeHead(200, { "content-type": "application/json" });
    if (request.url?.endsWith("/pipeline/feature-extraction")) {
      const texts = Array.isArray(inputs) ? (inputs as string[]) : [inputs as string];
      const vectors = texts.map((text) => [text.length, 1, 0]);
      response.end(JSON.stringify(Array.isArray(inputs) ? vectors : vectors[0]));
      return;
    }
    const pairs = inputs as Array<{ text: string; text_pair: string }>;
    response.end(
      JSON.stringify(
        pairs.map(({ text }) => {
          const entailment = text.includes("tea") ? 0.93 : 0.04;
          return [
            { label: "ENTAILMENT", score: entailment },
            { label: "NEUTRAL", score: (1 - entailment) / 2 },
            { label: "CONTRADICTION", score: (1 - entailment) / 2 },
          ];
        }),
      ),
    );
  });
}

describe("through the gateway", () => {
  it("routes hf: and huggingface: prefixes and bare Hub ids here", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createHuggingFace({ apiKey: TEST_KEY }))
      .build();
    for (const model of [
      `hf:${EMBEDDING_MODEL}`,
      `huggingface:${EMBEDDING_MODEL}`,
      EMBEDDING_MODEL,
    ]) {
      const decision = gateway.route("embed", model);
      expect(decision.provider).toBe("huggingface");
      expect(decision.providerModel).toBe(EMBEDDING_MODEL);
    }
    expect(gateway.route("nli", "not-a-hub-id").provider).toBeUndefined();
    expect(gateway.capabilities().providers.nli).toEqual(["huggingface"]);
  });

  it("runs the memory manager's retrieval step: embed the query, batch NLI over candidates, keep entailment > 0.7", async () => {
    const server = await fakeHuggingFace();
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .build();
      const query = "The user likes to drink tea";
      const candidates = Array.from({ length: 50 }, (_, index) =>
        index % 5 === 0
          ? `Memory ${index}: the user drinks green tea`
          : `Memory ${index}: the user owns a bike`,
      );

      // The retrieval step, as in the README.
      const queryVector = await gateway.embed(query, `hf:${EMBEDDING_MODEL}`);
      // (vector search over the store with queryVector picks `candidates`)
      const scores = await gateway.inferNliBatch(
        candidates.map((candidate) => ({ premise: candidate, hypothesis: query })),
        `hf:${NLI_MODEL}`,
      );
      const kept = candidates.filter((_, index) => scores[index]!.entailment > 0.7);

      expect(queryVector.dimensions).toBe(3);
      expect(kept).toEqual(candidates.filter((candidate) => candidate.includes("tea")));
      expect(kept).toHaveLength(10);
      // one embed request, then all 50 pairs in one NLI request
      expect(server.requests.map((request) => request.url)).toEqual([
        `/hf-inference/models/${EMBEDDING_MODEL}/pipeline/feature-extraction`,
        `/hf-inference/models/${NLI_MODEL}`,
      ]);
    } finally {
      await server.close();
    }
  });

  it("rejects invalid input before reaching the provider", async () => {
    const server = await fakeHuggingFace();
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .build();
      await expect(gateway.embedBatch([], `hf:${EMBEDDING_MODEL}`)).rejects.toMatchObject({
        code: "invalid_input",
      });
      await expect(gateway.classifyZeroShot("text", [], `hf:${NLI_MODEL}`)).rejects.toMatchObject({
        code: "invalid_input",
      });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
