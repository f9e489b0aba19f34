import { Ratatoskr } from "@ratatoskr/gateway";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import {
  EMBEDDING_MODEL,
  NLI_MODEL,
  TEST_KEY,
} from "@ratatoskr/provider-huggingface/internal/test-support";
import { startLoopbackServer } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

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

  it("reads only its own providerOptions entry (by id or the hf alias): another provider's never reaches the wire", async () => {
    const server = await fakeHuggingFace();
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .build();
      await gateway.embed("tea", `hf:${EMBEDDING_MODEL}`, {
        providerOptions: {
          huggingface: { promptName: "query" },
          openai: { truncate: true, dimensions: 2 },
        },
      });
      await gateway.embed("tea", `hf:${EMBEDDING_MODEL}`, {
        providerOptions: { hf: { truncate: true }, ollama: { promptName: "other" } },
      });
      expect(server.requests.map((request) => JSON.parse(request.body))).toEqual([
        { inputs: "tea", parameters: { prompt_name: "query" } },
        { inputs: "tea", parameters: { truncate: true } },
      ]);
    } finally {
      await server.close();
    }
  });

  it("strict mode refuses a classification with an option it would ignore, before sending", async () => {
    const server = await fakeHuggingFace();
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .build();
      await expect(
        gateway.classifyZeroShot("I want a refund", ["refund", "praise"], `hf:${NLI_MODEL}`, {
          strict: true,
          providerOptions: { huggingface: { truncate: true } },
        }),
      ).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringMatching(/truncate/),
      });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it("strict mode refuses an embedding or NLI call with an option it would ignore, before sending", async () => {
    const server = await fakeHuggingFace();
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .strict()
        .build();
      const providerOptions = { huggingface: { dimensions: 64 } };
      for (const call of [
        gateway.embed("tea", `hf:${EMBEDDING_MODEL}`, { providerOptions }),
        gateway.embedBatch(["tea", "milk"], `hf:${EMBEDDING_MODEL}`, { providerOptions }),
        gateway.inferNli("tea", "a drink", `hf:${NLI_MODEL}`, { providerOptions }),
        gateway.inferNliBatch([{ premise: "tea", hypothesis: "a drink" }], `hf:${NLI_MODEL}`, {
          providerOptions,
        }),
      ]) {
        await expect(call).rejects.toMatchObject({
          code: "invalid_input",
          message: expect.stringMatching(/dimensions/),
        });
      }
      expect(server.requests).toHaveLength(0);
      // The options embeddings read pass strict mode.
      await gateway.embed("tea", `hf:${EMBEDDING_MODEL}`, {
        providerOptions: { huggingface: { truncate: true } },
      });
      expect(server.requests).toHaveLength(1);
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

  it("splits a batch into batchSize chunks, reassembled in input order whatever order they finish", async () => {
    const server = await startLoopbackServer(async (_request, response, body) => {
      const { inputs } = JSON.parse(body) as { inputs: string[] };
      // Later chunks answer first.
      await new Promise((resolve) => setTimeout(resolve, 40 - Number(inputs[0]) / 2));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(inputs.map((text) => [Number(text), 1])));
    });
    try {
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: TEST_KEY,
            baseURL: `${server.url}/hf-inference`,
            batchSize: 8,
          }),
        )
        .build();
      const texts = Array.from({ length: 50 }, (_, index) => String(index));
      const embeddings = await gateway.embedBatch(texts, `hf:${EMBEDDING_MODEL}`);
      expect(embeddings.map((embedding) => embedding.values[0])).toEqual(texts.map(Number));
      expect(server.requests).toHaveLength(7);
      expect(
        server.requests.map((request) => (JSON.parse(request.body) as { inputs: string[] }).inputs),
      ).toEqual(
        expect.arrayContaining([
          ["0", "1", "2", "3", "4", "5", "6", "7"],
          ["48", "49"],
        ]),
      );
    } finally {
      await server.close();
    }
  });

  it("never has more than maxConcurrency chunk requests in flight", async () => {
    let active = 0;
    let peak = 0;
    const server = await startLoopbackServer(async (_request, response, body) => {
      active++;
      peak = Math.max(peak, active);
      const { inputs } = JSON.parse(body) as { inputs: string[] };
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(inputs.map(() => [1, 2])));
    });
    try {
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: TEST_KEY,
            baseURL: `${server.url}/hf-inference`,
            batchSize: 2,
            maxConcurrency: 3,
          }),
        )
        .build();
      const texts = Array.from({ length: 20 }, (_, index) => String(index));
      await gateway.embedBatch(texts, `hf:${EMBEDDING_MODEL}`);
      expect(server.requests).toHaveLength(10);
      expect(peak).toBeLessThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  it("rejects vectors of inconsistent dimensions across chunks with a data error", async () => {
    let calls = 0;
    const server = await startLoopbackServer((_request, response) => {
      calls++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(calls === 1 ? "[[1,2,3],[4,5,6]]" : "[[1,2]]");
    });
    try {
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: TEST_KEY,
            baseURL: `${server.url}/hf-inference`,
            batchSize: 2,
            maxConcurrency: 1,
          }),
        )
        .build();
      await expect(
        gateway.embedBatch(["a", "b", "c"], `hf:${EMBEDDING_MODEL}`),
      ).rejects.toMatchObject({
        code: "data",
        message: expect.stringMatching(/must share dimensions; got 3 and 2/),
      });
    } finally {
      await server.close();
    }
  });

  it("a chunk that fails for good aborts its siblings in flight and is the error reported", async () => {
    const siblingsClosed: Array<Promise<void>> = [];
    const server = await startLoopbackServer((_request, response, body) => {
      const { inputs } = JSON.parse(body) as { inputs: string[] };
      if (inputs[0] === "2") {
        response.writeHead(500, { "content-type": "application/json" });
        response.end('{"error":"internal"}');
        return;
      }
      // The others never answer: only the gateway's abort ends them.
      siblingsClosed.push(new Promise((resolve) => response.on("close", () => resolve())));
    });
    try {
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: TEST_KEY,
            baseURL: `${server.url}/hf-inference`,
            batchSize: 2,
          }),
        )
        .build();
      const error = await gateway
        .embedBatch(["0", "1", "2", "3"], `hf:${EMBEDDING_MODEL}`, { retry: false })
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
      expect(error).toMatchObject({ code: "provider", status: 500 });
      await Promise.all(siblingsClosed);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("classifyStance sends one zero-shot request with the stance hypotheses and reads the answer", async () => {
    // The zero-shot route's answer in the Inference API's shape: labels sorted by score.
    const server = await startLoopbackServer((_request, response, body) => {
      const { parameters } = JSON.parse(body) as { parameters: { candidate_labels: string[] } };
      const [favor, against, neutral] = parameters.candidate_labels;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify([
          { sequence: "x", labels: [against, neutral, favor], scores: [0.81, 0.12, 0.07] },
        ]),
      );
    });
    try {
      const gateway = await Ratatoskr.builder()
        .use(createHuggingFace({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` }))
        .build();
      const stance = await gateway.classifyStance(
        "Ban it tomorrow.",
        "late-night trading",
        `hf:${NLI_MODEL}`,
      );
      expect(stance).toEqual({
        favor: 0.07,
        against: 0.81,
        neutral: 0.12,
        label: "against",
        target: "late-night trading",
      });
      expect(server.requests).toHaveLength(1);
      expect(JSON.parse(server.requests[0]!.body)).toEqual({
        inputs: "Ban it tomorrow.",
        parameters: {
          candidate_labels: [
            "supports late-night trading",
            "opposes late-night trading",
            "is neutral about late-night trading",
          ],
          multi_label: false,
          hypothesis_template: "This text {}.",
        },
      });
    } finally {
      await server.close();
    }
  });
});
