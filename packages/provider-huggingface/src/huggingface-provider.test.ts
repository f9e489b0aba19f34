import { RatatoskrError } from "@ratatoskr/core";
import { startLoopbackServer } from "@ratatoskr/testing";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hf } from "./huggingface-calls.test-helpers.ts";
import {
  EMBEDDING_MODEL,
  fixture,
  interceptPost,
  modelPath,
  NLI_MODEL,
  ROUTER,
  TEST_KEY,
  ZERO_SHOT_MODEL,
} from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

const provider = () => hf({ apiKey: TEST_KEY });
const EMBED_PATH = modelPath(EMBEDDING_MODEL, "feature-extraction");

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `not a RatatoskrError: ${String(error)}`).toBe(true);
    const typed = error as RatatoskrError;
    const text = [
      typed.message,
      typed.body ?? "",
      JSON.stringify(typed.toJSON()),
      String(typed.stack),
    ].join("\n");
    expect(text).not.toContain(TEST_KEY);
    return typed;
  }
  throw new Error("expected a rejection");
}

describe("plugin", () => {
  it("declares id, alias, capabilities and serves Hub ids only", () => {
    const plugin = provider().provider;
    expect(plugin.id).toBe("huggingface");
    expect(plugin.aliases).toEqual(["hf"]);
    expect(plugin.capabilities).toEqual(["embed", "nli", "classify", "chat"]);
    expect(plugin.supports("embed", EMBEDDING_MODEL)).toBe(true);
    expect(plugin.supports("nli", NLI_MODEL)).toBe(true);
    expect(plugin.supports("classify", ZERO_SHOT_MODEL)).toBe(true);
    expect(plugin.supports("embed", "all-MiniLM-L6-v2")).toMatchObject({ supported: false });
    expect(plugin.supports("embed", "a/b/c")).toMatchObject({ supported: false });
    expect(plugin.supports("chat", "meta-llama/Llama-3.1-8B-Instruct")).toBe(true);
    expect(plugin.supports("chat", "openai/gpt-oss-120b:fastest")).toBe(true);
    expect(plugin.supports("chat", "llama3.2")).toMatchObject({ supported: false });
    expect(plugin.supports("embed", "openai/gpt-oss-120b:fastest")).toMatchObject({
      supported: false,
    });
    expect(plugin.supports("generate", EMBEDDING_MODEL)).toMatchObject({ supported: false });
  });

  it("rejects bad settings with a configuration error", () => {
    expect(() => hf({ batchSize: 0 })).toThrowError(/batchSize/);
    expect(() => hf({ maxConcurrency: 1.5 })).toThrowError(/maxConcurrency/);
    expect(() =>
      hf({
        endpointUrl: "https://x.endpoints.huggingface.cloud",
        inferenceProvider: "nebius",
      }),
    ).toThrowError(/endpointUrl/);
  });

  it("needs a token for the hosted router, naming HF_TOKEN, before any request", async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      const error = await rejection(hf().embed("hi", EMBEDDING_MODEL));
      expect(error.code).toBe("authentication");
      expect(error.message).toContain("HF_TOKEN");
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  it("reads the token from HF_TOKEN", async () => {
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = "hf_envtoken1234567890";
    try {
      const scope = nock(ROUTER)
        .matchHeader("authorization", "Bearer hf_envtoken1234567890")
        .post(EMBED_PATH)
        .reply(200, fixture("feature-extraction-single.json"), {
          "content-type": "application/json",
        });
      await hf().embed("hi", EMBEDDING_MODEL);
      expect(scope.isDone()).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
    }
  });
});

describe("embed / embedBatch (feature extraction)", () => {
  it("embeds one text: pooled flat vector; sends the SDK's request", async () => {
    const bodies: unknown[] = [];
    const scope = nock(ROUTER, {
      reqheaders: {
        authorization: `Bearer ${TEST_KEY}`,
        "content-type": "application/json",
        "x-extra": "1",
      },
    })
      .post(EMBED_PATH, (body: unknown) => {
        bodies.push(body);
        return true;
      })
      .reply(200, fixture("feature-extraction-single.json"), {
        "content-type": "application/json",
      });
    const embedding = await hf({
      apiKey: TEST_KEY,
      headers: { "x-extra": "1" },
    }).embed("The cat sits on the mat", EMBEDDING_MODEL);
    expect(scope.isDone()).toBe(true);
    expect(embedding.model).toBe(EMBEDDING_MODEL);
    expect(embedding.dimensions).toBe(8);
    expect(embedding.values).toEqual(JSON.parse(fixture("feature-extraction-single.json")));
    expect(bodies).toMatchInlineSnapshot(`
      [
        {
          "inputs": "The cat sits on the mat",
        },
      ]
    `);
  });

  it("sends a whole batch in one request and declares its chunk size for the gateway", async () => {
    const bodies: unknown[] = [];
    const rows = JSON.parse(fixture("feature-extraction-batch.json")) as number[][];
    interceptPost(EMBED_PATH, 200, JSON.stringify(rows), bodies);
    const plugin = hf({ apiKey: TEST_KEY, batchSize: 2, maxConcurrency: 3 });
    const embeddings = await plugin.embedBatch(["first", "second", "third"], EMBEDDING_MODEL);
    expect(embeddings.map((embedding) => embedding.values)).toEqual(rows);
    expect(bodies).toEqual([{ inputs: ["first", "second", "third"] }]);
    expect(plugin.provider.embedding.maxEmbeddingsPerCall(EMBEDDING_MODEL)).toBe(2);
    expect(plugin.provider.nli.maxPairsPerCall(NLI_MODEL)).toBe(64);
    expect(plugin.provider.embedding.maxParallelCalls).toBe(3);
    expect(plugin.provider.nli.maxParallelCalls).toBe(3);
  });

  it("mean-pools and normalises token-level outputs (batch and single)", async () => {
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-token-level.json"));
    const [first, second] = await provider().embedBatch(["a b c", "d e"], EMBEDDING_MODEL);
    // mean of the three token vectors = [0.2, 0.2, 0.2, 0.2] → normalised to 0.5 each
    expect(first!.values.map((value) => Number(value.toFixed(6)))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(second!.values[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(second!.values).toEqual([second!.values[0], second!.values[0], 0, 0]);
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-token-level-single.json"));
    const single = await hf({ apiKey: TEST_KEY, normalize: false }).embed("a b c", EMBEDDING_MODEL);
    expect(single.values.map((value) => Number(value.toFixed(6)))).toEqual([0.2, 0.2, 0.2, 0.2]);
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-token-level-single.json"));
    const cls = await hf({
      apiKey: TEST_KEY,
      normalize: false,
      pooling: "cls",
    }).embed("a b c", EMBEDDING_MODEL);
    expect(cls.values).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it.each([
    ["a wrong count", "[[1,2,3]]", /expected 2 vectors/],
    ["ragged vectors", "[[1,2,3],[1,2]]", /3 dimensions, but vector 1 has 2/],
    ["an object", '{"embeddings":[[1,2]]}', /got object \{embeddings\}/],
    ["non-numbers", '[["a","b"],["c","d"]]', /finite numbers/],
  ])("rejects %s with a data error naming what was expected", async (_name, body, pattern) => {
    interceptPost(EMBED_PATH, 200, body);
    const error = await rejection(provider().embedBatch(["a", "b"], EMBEDDING_MODEL));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(pattern);
  });

  it("rejects a non-JSON success body with a json error", async () => {
    nock(ROUTER).post(EMBED_PATH).reply(200, "<html>oops</html>", { "content-type": "text/html" });
    const error = await rejection(provider().embed("a", EMBEDDING_MODEL));
    expect(error.code).toBe("json");
  });

  it("splits a batch when the server reports its maximum batch size, and remembers it", async () => {
    const server = await startLoopbackServer((_request, response, body) => {
      const { inputs } = JSON.parse(body) as { inputs: string[] };
      if (inputs.length > 3) {
        response.writeHead(413, { "content-type": "application/json" });
        response.end(
          `{"error":"batch size ${inputs.length} > maximum allowed batch size 3","error_type":"Validation"}`,
        );
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(inputs.map((text) => [Number(text), 0])));
    });
    try {
      const plugin = hf({
        apiKey: TEST_KEY,
        baseURL: `${server.url}/hf-inference`,
        maxConcurrency: 1,
      });
      const texts = Array.from({ length: 7 }, (_, index) => String(index));
      const first = await plugin.embedBatch(texts, EMBEDDING_MODEL);
      expect(first.map((embedding) => embedding.values[0])).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(server.requests).toHaveLength(4); // refused, then 3 + 3 + 1
      expect(plugin.provider.embedding.maxEmbeddingsPerCall(EMBEDDING_MODEL)).toBe(3); // the gateway's chunks from now on
      await plugin.embedBatch(texts, EMBEDDING_MODEL);
      expect(server.requests).toHaveLength(7); // learned: 3 + 3 + 1 straight away
    } finally {
      await server.close();
    }
  });

  it("validates input before any request", async () => {
    const plugin = provider();
    for (const call of [
      () => plugin.embed("", EMBEDDING_MODEL),
      () => plugin.embedBatch([], EMBEDDING_MODEL),
      () => plugin.embedBatch(["ok", ""], EMBEDDING_MODEL),
      () => plugin.embed("ok", ""),
    ]) {
      const error = await rejection(call());
      expect(error.code).toBe("invalid_input");
    }
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("v1 results, provider options and warnings", () => {
  const NLI_PATH = modelPath(NLI_MODEL);
  const signal = () => new AbortController().signal;

  it("an embedding result carries the model and the server's x-request-id, and no warnings", async () => {
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-batch.json"), [], {
      "x-request-id": "req-hf-123",
    });
    const result = await createHuggingFace({ apiKey: TEST_KEY }).embedding.embed({
      model: EMBEDDING_MODEL,
      values: ["one", "two", "three"],
      providerOptions: {},
      signal: signal(),
    });
    expect(result.response).toEqual({ model: EMBEDDING_MODEL, requestId: "req-hf-123" });
    expect(result.warnings).toEqual([]);
  });

  it("sends truncate, truncationDirection and promptName as parameters; pooling and normalize override the settings", async () => {
    const bodies: unknown[] = [];
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-token-level-single.json"), bodies);
    const embedding = await provider().embed("a b c", EMBEDDING_MODEL, {
      providerOptions: {
        truncate: true,
        truncationDirection: "Left",
        promptName: "query",
        pooling: "cls",
        normalize: false,
      },
    });
    expect(bodies).toEqual([
      {
        inputs: "a b c",
        parameters: { truncate: true, truncation_direction: "Left", prompt_name: "query" },
      },
    ]);
    expect(embedding.values).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it("an unknown option is a warning on the result and is not sent", async () => {
    const bodies: unknown[] = [];
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-single.json"), bodies);
    const result = await createHuggingFace({ apiKey: TEST_KEY }).embedding.embed({
      model: EMBEDDING_MODEL,
      values: ["hi"],
      providerOptions: { dimensions: 4 },
      signal: signal(),
    });
    expect(bodies).toEqual([{ inputs: "hi" }]);
    expect(result.warnings).toEqual([{ type: "unknown_provider_option", option: "dimensions" }]);
  });

  it.each([
    ["truncate", "yes", /providerOptions\.huggingface\.truncate must be a boolean, got string/],
    ["truncationDirection", "left", /truncationDirection must be "Left" or "Right"/],
    ["promptName", 3, /promptName must be a non-empty string, got number/],
    ["pooling", "max", /pooling must be "mean" or "cls"/],
    ["normalize", null, /normalize must be a boolean, got null/],
  ])(
    "a known option with a wrong value (%s) is invalid_input before any request",
    async (option, value, pattern) => {
      const error = await rejection(
        provider().embed("hi", EMBEDDING_MODEL, { providerOptions: { [option]: value } }),
      );
      expect(error.code).toBe("invalid_input");
      expect(error.message).toMatch(pattern);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );

  it("never reads an entry keyed by a provider id: the whole keyed map would be unknown options", async () => {
    const bodies: unknown[] = [];
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-single.json"), bodies);
    const read: string[] = [];
    const entry = new Proxy<Record<string, unknown>>(
      { truncate: true },
      {
        get(target, key) {
          if (typeof key === "string") read.push(key);
          return Reflect.get(target, key);
        },
      },
    );
    await provider().embed("hi", EMBEDDING_MODEL, { providerOptions: entry });
    expect(read.filter((key) => key !== "truncate")).toEqual([]);
    interceptPost(EMBED_PATH, 200, fixture("feature-extraction-single.json"), bodies);
    const result = await createHuggingFace({ apiKey: TEST_KEY }).embedding.embed({
      model: EMBEDDING_MODEL,
      values: ["hi"],
      providerOptions: { huggingface: { truncate: true }, openai: { dimensions: 8 } },
      signal: signal(),
    });
    expect(bodies[1]).toEqual({ inputs: "hi" });
    expect(result.warnings).toEqual([
      { type: "unknown_provider_option", option: "huggingface" },
      { type: "unknown_provider_option", option: "openai" },
    ]);
  });

  it("NLI and classification read no options: each key is a warning, and warningsFor reports the same before sending", async () => {
    interceptPost(NLI_PATH, 200, fixture("text-classification-nli-single.json"));
    const plugin = createHuggingFace({ apiKey: TEST_KEY });
    const nli = await plugin.nli.infer({
      model: NLI_MODEL,
      pairs: [{ premise: "a", hypothesis: "b" }],
      providerOptions: { truncate: true },
      signal: signal(),
    });
    expect(nli.warnings).toEqual([
      {
        type: "unknown_provider_option",
        option: "truncate",
        details: "applies to embeddings only, not to nli",
      },
    ]);
    const request = {
      model: ZERO_SHOT_MODEL,
      text: "I want my money back",
      labels: ["refund", "legal", "faq"],
      settings: {},
      providerOptions: { wait_for_model: true },
      signal: signal(),
    };
    const before = plugin.classification.warningsFor(request);
    expect(before).toEqual([
      expect.objectContaining({ type: "unknown_provider_option", option: "wait_for_model" }),
    ]);
    expect(nock.pendingMocks()).toEqual([]);
    interceptPost(modelPath(ZERO_SHOT_MODEL), 200, fixture("zero-shot-single-label.json"));
    const result = await plugin.classification.classifyZeroShot(request);
    expect(result.warnings).toEqual(before);
    expect(result.response).toEqual({ model: ZERO_SHOT_MODEL });
  });

  it("sends the call's headers over the provider's own", async () => {
    const scope = nock(ROUTER, { reqheaders: { "x-extra": "call", "x-trace": "t1" } })
      .post(EMBED_PATH)
      .reply(200, fixture("feature-extraction-single.json"), {
        "content-type": "application/json",
      });
    await createHuggingFace({
      apiKey: TEST_KEY,
      headers: { "x-extra": "settings" },
    }).embedding.embed({
      model: EMBEDDING_MODEL,
      values: ["hi"],
      providerOptions: {},
      headers: { "x-extra": "call", "x-trace": "t1" },
      signal: signal(),
    });
    expect(scope.isDone()).toBe(true);
  });
});

describe("inferNli / inferNliBatch (sentence-pair text classification)", () => {
  const NLI_PATH = modelPath(NLI_MODEL);

  it("scores one pair from a flat [{label, score}] list", async () => {
    const bodies: unknown[] = [];
    interceptPost(NLI_PATH, 200, fixture("text-classification-nli-single.json"), bodies);
    const result = await provider().inferNli(
      "A man is eating pizza",
      "A man eats something",
      NLI_MODEL,
    );
    expect(result).toEqual({
      entailment: 0.9716,
      neutral: 0.0243,
      contradiction: 0.0041,
      label: "entailment",
    });
    expect(bodies).toMatchInlineSnapshot(`
      [
        {
          "inputs": [
            {
              "text": "A man is eating pizza",
              "text_pair": "A man eats something",
            },
          ],
          "parameters": {
            "top_k": 3,
          },
        },
      ]
    `);
  });

  it("scores a batch in one request, order kept, labels matched by name in any order and casing", async () => {
    const bodies: unknown[] = [];
    const scope = interceptPost(
      NLI_PATH,
      200,
      fixture("text-classification-nli-batch.json"),
      bodies,
    );
    const results = await provider().inferNliBatch(
      [
        { premise: "The memory is about Paris", hypothesis: "It concerns France" },
        { premise: "The user hates tea", hypothesis: "The user loves tea" },
        { premise: "The user went out", hypothesis: "It was raining" },
      ],
      NLI_MODEL,
    );
    expect(scope.isDone()).toBe(true);
    expect(results.map((result) => result.label)).toEqual([
      "entailment",
      "contradiction",
      "neutral",
    ]);
    expect(results[1]).toEqual({
      entailment: 0.0157,
      neutral: 0.0968,
      contradiction: 0.8875,
      label: "contradiction",
    });
    expect(bodies).toMatchSnapshot();
  });

  it("sends 50 pairs (the memory manager's retrieval) in one request by default", async () => {
    const server = await startLoopbackServer((_request, response, body) => {
      const { inputs } = JSON.parse(body) as { inputs: unknown[] };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          inputs.map((_, index) => [
            { label: "entailment", score: index % 2 === 0 ? 0.9 : 0.1 },
            { label: "neutral", score: 0.05 },
            { label: "contradiction", score: index % 2 === 0 ? 0.05 : 0.85 },
          ]),
        ),
      );
    });
    try {
      const plugin = hf({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` });
      const pairs = Array.from({ length: 50 }, (_, index) => ({
        premise: "query",
        hypothesis: `candidate ${index}`,
      }));
      const results = await plugin.inferNliBatch(pairs, NLI_MODEL);
      expect(server.requests).toHaveLength(1);
      expect(results.filter((result) => result.entailment > 0.7)).toHaveLength(25);
      expect(results[1]!.label).toBe("contradiction");
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      "unnamed labels",
      fixture("text-classification-unnamed-labels.json"),
      /entailment, neutral and contradiction.*LABEL_1/,
    ],
    ["a list count that does not match", "[[],[]]", /1 \[\{label, score\}\] lists/],
    ["an object", '{"label":"entailment","score":1}', /one \[\{label, score\}\] list per pair/],
  ])("rejects %s with a data error", async (_name, body, pattern) => {
    interceptPost(NLI_PATH, 200, body);
    const error = await rejection(provider().inferNli("a", "b", NLI_MODEL));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(pattern);
  });

  it("validates pairs before any request", async () => {
    const plugin = provider();
    expect((await rejection(plugin.inferNliBatch([], NLI_MODEL))).code).toBe("invalid_input");
    expect((await rejection(plugin.inferNli("", "b", NLI_MODEL))).code).toBe("invalid_input");
    expect(
      (await rejection(plugin.inferNliBatch([{ premise: "a", hypothesis: "" }], NLI_MODEL))).code,
    ).toBe("invalid_input");
  });
});

describe("classifyZeroShot", () => {
  const PATH = modelPath(ZERO_SHOT_MODEL);
  const TEXT =
    "Hi, I recently bought a device from your company but it is not working as advertised and I would like to get reimbursed!";

  it("single-label: legacy {sequence, labels, scores} form; scores for every label, top label", async () => {
    const bodies: unknown[] = [];
    interceptPost(PATH, 200, fixture("zero-shot-single-label.json"), bodies);
    const result = await provider().classifyZeroShot(
      TEXT,
      ["refund", "legal", "faq"],
      ZERO_SHOT_MODEL,
    );
    expect(result.topLabel).toBe("refund");
    expect(result.confidence).toBeCloseTo(0.8778, 4);
    expect(Object.keys(result.scores)).toEqual(["refund", "legal", "faq"]);
    expect(Object.values(result.scores).reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 5);
    expect(bodies).toMatchSnapshot();
  });

  it("multi-label with a hypothesis template: [{label, score}] form", async () => {
    const bodies: unknown[] = [];
    interceptPost(PATH, 200, fixture("zero-shot-multi-label.json"), bodies);
    const result = await provider().classifyZeroShot(
      "Fix this now, it is broken again!",
      ["praise", "complaint", "urgent"],
      ZERO_SHOT_MODEL,
      {
        multiLabel: true,
        hypothesisTemplate: "The stance of this message is {}.",
      },
    );
    expect(result).toEqual({
      scores: { praise: 0.0123, complaint: 0.8914, urgent: 0.9637 },
      topLabel: "urgent",
      confidence: 0.9637,
    });
    expect(bodies).toMatchSnapshot();
  });

  it("rejects a response missing a label or adding one with a data error", async () => {
    interceptPost(PATH, 200, '[{"label":"refund","score":0.9}]');
    expect(
      (await rejection(provider().classifyZeroShot(TEXT, ["refund", "faq"], ZERO_SHOT_MODEL)))
        .message,
    ).toMatch(/candidate label "faq"/);
    interceptPost(PATH, 200, '[{"label":"refund","score":0.9},{"label":"other","score":0.1}]');
    const error = await rejection(provider().classifyZeroShot(TEXT, ["refund"], ZERO_SHOT_MODEL));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(/"other"/);
  });

  it("validates labels and template before any request", async () => {
    const plugin = provider();
    expect((await rejection(plugin.classifyZeroShot(TEXT, [], ZERO_SHOT_MODEL))).code).toBe(
      "invalid_input",
    );
    expect((await rejection(plugin.classifyZeroShot(TEXT, ["a", "a"], ZERO_SHOT_MODEL))).code).toBe(
      "invalid_input",
    );
    expect((await rejection(plugin.classifyZeroShot("", ["a"], ZERO_SHOT_MODEL))).code).toBe(
      "invalid_input",
    );
    const template = await rejection(
      plugin.classifyZeroShot(TEXT, ["a"], ZERO_SHOT_MODEL, { hypothesisTemplate: "no slot" }),
    );
    expect(template.code).toBe("invalid_input");
  });
});

describe("errors", () => {
  it("503 model loading → retryable provider error with retry-after from estimated_time", async () => {
    interceptPost(EMBED_PATH, 503, fixture("error-503-model-loading.json"));
    const error = await rejection(provider().embed("a", EMBEDDING_MODEL));
    expect(error.code).toBe("provider");
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBe(20_000);
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/is loading/);
    expect(error.details).toEqual({ reason: "model_loading" });
  });

  it("sends exactly one request per call (no SDK retry on 503)", async () => {
    const server = await startLoopbackServer((_request, response) => {
      response.writeHead(503, { "content-type": "application/json" });
      response.end(fixture("error-503-model-loading.json"));
    });
    try {
      const plugin = hf({ apiKey: TEST_KEY, baseURL: `${server.url}/hf-inference` });
      await rejection(plugin.embed("a", EMBEDDING_MODEL));
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it.each([
    ["401 → authentication", 401, "error-401.json", {}, "authentication", false, undefined],
    ["404 → model_not_found", 404, "error-404.json", {}, "model_not_found", false, undefined],
    [
      "429 → rate_limited with retry-after",
      429,
      "error-429.json",
      { "retry-after": "7" },
      "rate_limited",
      true,
      7000,
    ],
  ] as const)("%s", async (_name, status, file, headers, code, retryable, retryAfterMs) => {
    interceptPost(EMBED_PATH, status, fixture(file), [], headers);
    const error = await rejection(provider().embed("a", EMBEDDING_MODEL));
    expect(error.code).toBe(code);
    expect(error.isRetryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.provider).toBe("huggingface");
    expect(error.model).toBe(EMBEDDING_MODEL);
    expect(error.message).toContain(JSON.parse(fixture(file)).error.slice(0, 20));
  });

  it("redacts a key the server echoes back", async () => {
    interceptPost(EMBED_PATH, 401, JSON.stringify({ error: `Invalid token ${TEST_KEY}` }));
    const error = await rejection(provider().embed("a", EMBEDDING_MODEL));
    expect(error.code).toBe("authentication");
  });

  it("connection refused → retryable network error", async () => {
    const server = await startLoopbackServer(() => undefined);
    const url = server.url;
    await server.close();
    const error = await rejection(
      hf({ apiKey: TEST_KEY, baseURL: `${url}/hf-inference` }).embed("a", EMBEDDING_MODEL),
    );
    expect(error.code).toBe("network");
    expect(error.isRetryable).toBe(true);
  });

  it("abort mid-request → aborted error, and the upstream socket is closed", async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const server = await startLoopbackServer((request) => {
      request.socket.on("close", closed);
      // never answers
    });
    try {
      const controller = new AbortController();
      const pending = hf({
        apiKey: TEST_KEY,
        baseURL: `${server.url}/hf-inference`,
      }).embedBatch(["a", "b"], EMBEDDING_MODEL, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 30));
      controller.abort();
      const error = await rejection(pending);
      expect(error.code).toBe("aborted");
      await socketClosed;
      const already = await rejection(
        provider().embed("a", EMBEDDING_MODEL, { signal: AbortSignal.abort() }),
      );
      expect(already.code).toBe("aborted");
    } finally {
      await server.close();
    }
  });
});

describe("endpoints", () => {
  it("posts to a dedicated endpointUrl exactly, without a token requirement", async () => {
    const server = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(fixture("feature-extraction-batch.json"));
    });
    try {
      const saved = process.env.HF_TOKEN;
      delete process.env.HF_TOKEN;
      try {
        const plugin = hf({ endpointUrl: `${server.url}/my-endpoint` });
        const embeddings = await plugin.embedBatch(["a", "b", "c"], EMBEDDING_MODEL);
        expect(embeddings).toHaveLength(3);
        expect(server.requests[0]!.url).toBe("/my-endpoint");
        expect(server.requests[0]!.headers.authorization).toBeUndefined();
      } finally {
        if (saved !== undefined) process.env.HF_TOKEN = saved;
      }
    } finally {
      await server.close();
    }
  });

  it("maps a failed provider-mapping lookup on the Hub to an HTTP error with its status", async () => {
    const hub = nock("https://huggingface.co")
      .get("/api/models/org/missing-model")
      .query(true)
      .reply(404, { error: "Repository not found" }, { "content-type": "application/json" });
    const error = await rejection(
      hf({ apiKey: "hf_testtoken1234567890", inferenceProvider: "together" }).embed(
        "hello",
        "org/missing-model",
      ),
    );
    expect(hub.isDone()).toBe(true);
    expect(error).toMatchObject({ code: "model_not_found", status: 404 });
    expect(error.message).toContain("Repository not found");
  });

  it("routes to a third-party inference provider through the Hub's provider mapping", async () => {
    const hub = nock("https://huggingface.co")
      .get("/api/models/BAAI/bge-large-en-v1.5")
      .query(true)
      .reply(200, {
        _id: "x",
        id: "BAAI/bge-large-en-v1.5",
        inferenceProviderMapping: [
          {
            provider: "together",
            providerId: "BAAI/bge-large-en-v1.5",
            status: "live",
            task: "feature-extraction",
          },
        ],
      });
    const bodies: unknown[] = [];
    const api = nock(ROUTER)
      .post("/together/v1/embeddings", (body: unknown) => {
        bodies.push(body);
        return true;
      })
      .reply(
        200,
        { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2, 0.3] }] },
        {
          "content-type": "application/json",
        },
      );
    const plugin = hf({
      apiKey: "hf_testtoken1234567890",
      inferenceProvider: "together",
    });
    const embedding = await plugin.embed("hello", "BAAI/bge-large-en-v1.5");
    expect(hub.isDone() && api.isDone()).toBe(true);
    expect(embedding.values).toEqual([0.1, 0.2, 0.3]);
    expect(bodies).toMatchSnapshot();
  });
});
