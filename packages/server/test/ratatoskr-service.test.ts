/**
 * The daemon on a free loopback port, serving the mock provider, called
 * through a Connect-ES gRPC client: every RPC of ratatoskr.v1, typed errors,
 * UNIMPLEMENTED for missing gateway methods, and a client disconnect
 * aborting the gateway call.
 */
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Message, RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr as Gateway } from "@ratatoskr/gateway";
import {
  ChatEventDecoder,
  capabilitiesFromProto,
  chatRequestToProto,
  chatResponseFromProto,
  classifyRequestToProto,
  classifyResultFromProto,
  contextFitFromProto,
  ERROR_CODE_METADATA_KEY,
  embedBatchRequestToProto,
  embedBatchResponseFromProto,
  embeddingFromProto,
  embedRequestToProto,
  errorFromConnectError,
  fitsContextRequestToProto,
  GenerateEventDecoder,
  generateRequestToProto,
  generateResponseFromProto,
  healthFromProto,
  modelListingFromProto,
  modelMetadataFromProto,
  modelMetadataRequestToProto,
  modelStatusFromProto,
  modelStatusRequestToProto,
  nliBatchRequestToProto,
  nliBatchResponseFromProto,
  nliRequestToProto,
  nliResultFromProto,
  presetListFromProto,
  presetResolutionFromProto,
  Ratatoskr,
  resolvePresetRequestToProto,
  routeDecisionFromProto,
  routeRequestToProto,
  stanceRequestToProto,
  stanceResultFromProto,
  tokenCountFromProto,
  tokenCountRequestToProto,
  tokenizationFromProto,
  tokenizeRequestToProto,
} from "@ratatoskr/protocol";
import { createMockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ratd, startRatd } from "../src/index.ts";
import { createServedGateway, type ServedProvider } from "./support/served-provider.ts";

let ratd: Ratd;
let served: ServedProvider;
let servedGateway: Awaited<ReturnType<typeof createServedGateway>>["gateway"];
let client: ReturnType<typeof createClient<typeof Ratatoskr>>;

beforeAll(async () => {
  const created = await createServedGateway();
  served = created.served;
  servedGateway = created.gateway;
  ratd = await startRatd({ gateway: created.gateway, port: 0, version: "9.9.9" });
  client = createClient(Ratatoskr, createGrpcTransport({ baseUrl: ratd.url }));
});

afterAll(async () => {
  await ratd?.close({ graceMs: 0 });
});

async function connectError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded; an error was expected");
}

describe("every ratatoskr.v1 RPC over gRPC", () => {
  it("listens on loopback and a free port", () => {
    expect(ratd.host).toBe("127.0.0.1");
    expect(ratd.port).toBeGreaterThan(0);
  });

  it("Chat", async () => {
    const response = chatResponseFromProto(
      await client.chat(chatRequestToProto([Message.user("hello there")], { model: "mock-1" })),
    );
    expect(response.content).toBe("mock: hello there");
    expect(response.provider).toBe("mock");
  });

  it("ChatStream", async () => {
    const decoder = new ChatEventDecoder();
    const events = [];
    for await (const message of client.chatStream(
      chatRequestToProto([Message.user("hi you")], { model: "mock-1" }),
    )) {
      events.push(decoder.decode(message));
    }
    const text = events.flatMap((event) => (event.type === "content" ? [event.text] : [])).join("");
    expect(text).toBe("mock: hi you");
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop", provider: "mock" });
  });

  it("Generate and GenerateStream", async () => {
    const response = generateResponseFromProto(
      await client.generate(generateRequestToProto("once upon", { model: "mock-1" })),
    );
    expect(response.text.length).toBeGreaterThan(0);
    const decoder = new GenerateEventDecoder();
    const events = [];
    for await (const message of client.generateStream(
      generateRequestToProto("once upon", { model: "mock-1" }),
    )) {
      events.push(decoder.decode(message));
    }
    expect(events.at(-1)?.type).toBe("done");
    const text = events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
    expect(text).toBe(response.text);
  });

  it("Embed and EmbedBatch", async () => {
    const one = embeddingFromProto(await client.embed(embedRequestToProto("a text", "mock-1")));
    expect(one.values.length).toBeGreaterThan(0);
    const batch = embedBatchResponseFromProto(
      await client.embedBatch(embedBatchRequestToProto(["a text", "another"], "mock-1")),
    );
    expect(batch).toHaveLength(2);
    expect(batch[0]?.values).toEqual(one.values);
  });

  it("InferNli and InferNliBatch", async () => {
    const one = nliResultFromProto(await client.inferNli(nliRequestToProto("p", "h", "mock-1")));
    expect(["entailment", "contradiction", "neutral"]).toContain(one.label);
    const batch = nliBatchResponseFromProto(
      await client.inferNliBatch(
        nliBatchRequestToProto(
          [
            { premise: "p", hypothesis: "h" },
            { premise: "q", hypothesis: "i" },
          ],
          "mock-1",
        ),
      ),
    );
    expect(batch).toHaveLength(2);
  });

  it("ClassifyZeroShot and ClassifyStance", async () => {
    const classified = classifyResultFromProto(
      await client.classifyZeroShot(classifyRequestToProto("text", ["a", "b"], "mock-1")),
    );
    expect(["a", "b"]).toContain(classified.topLabel);
    const stance = stanceResultFromProto(
      await client.classifyStance(stanceRequestToProto("text", "cats", "mock-1")),
    );
    expect(stance.target).toBe("cats");
  });

  it("CountTokens and Tokenize (byte offsets on the wire)", async () => {
    const count = tokenCountFromProto(
      await client.countTokens(tokenCountRequestToProto("two words", "mock-1")),
    );
    expect(count.count).toBe(2);
    const text = "héllo wörld";
    const response = await client.tokenize(tokenizeRequestToProto(text, "mock-1"));
    expect(response.tokens.map((token) => [token.start, token.end])).toEqual([
      [0, 6],
      [7, 13],
    ]);
    const tokenization = tokenizationFromProto(response, text, "mock-1");
    expect(tokenization.tokens.map((token) => text.slice(token.start, token.end))).toEqual([
      "héllo",
      "wörld",
    ]);
    expect(tokenization).toMatchObject({
      provider: "mock",
      approximate: true,
      source: "mock:words",
    });
  });

  it("FitsContext (extension): the gateway's own count and every field of its answer", async () => {
    const messages = [Message.system("be brief"), Message.user("two words")];
    const options = { reserveOutput: 10, contextWindow: 64, allowApproximate: true };
    const expected = await servedGateway.fitsContext(messages, "mock-1", options);
    const fit = contextFitFromProto(
      await client.fitsContext(fitsContextRequestToProto(messages, "mock-1", options)),
    );
    expect(fit).toEqual(expected);
    expect(fit).toMatchObject({ fits: true, reserveOutput: 10, contextWindow: 64 });
    expect(fit.promptTokens).toBeGreaterThan(0);
    const over = contextFitFromProto(
      await client.fitsContext(
        fitsContextRequestToProto(messages, "mock-1", { ...options, contextWindow: 1 }),
      ),
    );
    expect(over).toMatchObject({ fits: false, contextWindow: 1 });
    expect(over.margin).toBeLessThan(0);
    expect(over.overflow).toBe(-over.margin);
  });

  it("Route (extension): the gateway's decision, explanation included", async () => {
    const decision = routeDecisionFromProto(
      await client.route(routeRequestToProto("chat", "mock:mock-1")),
    );
    expect(decision).toEqual(
      JSON.parse(JSON.stringify(servedGateway.route("chat", "mock:mock-1"))),
    );
    expect(decision).toMatchObject({
      capability: "chat",
      provider: "mock",
      providerModel: "mock-1",
      rule: "explicit-prefix",
    });
    expect(decision.explanation).toMatch(/mock/);
    const preset = routeDecisionFromProto(
      await client.route(routeRequestToProto("chat", "ratatoskr:budget/coding")),
    );
    expect(preset.preset).toMatchObject({
      uri: "ratatoskr:budget/coding",
      tier: "budget",
      capability: "coding",
      source: "registry",
    });
    expect(preset.explanation).toContain("ratatoskr:budget/coding is the registry's preset");
  });

  it("ListModels, ModelStatus, GetModelMetadata and FetchModelMetadata", async () => {
    const listing = modelListingFromProto(await client.listModels({}));
    expect(listing.models).toEqual([
      expect.objectContaining({ id: "mock-1", provider: "mock", source: "provider" }),
    ]);
    const status = modelStatusFromProto(
      await client.modelStatus(modelStatusRequestToProto("mock-1")),
      "mock-1",
    );
    expect(status).toMatchObject({ state: "ready", provider: "mock", device: "cpu" });
    const local = await client.getModelMetadata(modelMetadataRequestToProto("no/such-model"));
    expect(modelMetadataFromProto(local)).toBeUndefined();
    const fetched = modelMetadataFromProto(
      await client.fetchModelMetadata(modelMetadataRequestToProto("mock-1")),
    );
    expect(fetched).toMatchObject({ max_output_tokens: 1024, info: { id: "mock-1" } });
  });

  it("ResolvePreset and ListPresets", async () => {
    const presets = presetListFromProto(await client.listPresets({}));
    expect(presets).toContainEqual({ tier: "budget", capability: "coding" });
    const resolved = presetResolutionFromProto(
      await client.resolvePreset(resolvePresetRequestToProto("ratatoskr:budget/coding")),
      "budget",
      "coding",
    );
    expect(resolved?.model).toEqual(expect.any(String));
    expect(resolved?.source).toBe("registry");
    const unknown = await client.resolvePreset({ tier: "nosuchtier", capability: "coding" });
    expect(unknown.found).toBe(false);
  });

  it("Health and GetCapabilities", async () => {
    expect(healthFromProto(await client.health({}))).toEqual({
      healthy: true,
      version: "9.9.9",
      providers: ["mock"],
    });
    const capabilities = capabilitiesFromProto(await client.getCapabilities({}));
    expect(capabilities.chat).toBe(true);
    expect(capabilities.providers.chat).toEqual(["mock"]);
  });
});

describe("Health reports real provider state", () => {
  it("lists a provider cooling down after failures, and is unhealthy while every provider cools", async () => {
    const mock = createMockProvider();
    const gateway = await Gateway.builder()
      .use(mock)
      .retry(false)
      .cooldown({ failureThreshold: 1, cooldownMs: 60_000 })
      .build();
    const daemon = await startRatd({ gateway, port: 0 });
    try {
      const health = createClient(Ratatoskr, createGrpcTransport({ baseUrl: daemon.url }));
      expect(healthFromProto(await health.health({}))).toMatchObject({ healthy: true });
      mock.failNext(
        "chat",
        new RatatoskrError({ code: "network", message: "down", isRetryable: true }),
      );
      await expect(gateway.chat([Message.user("hi")], { model: "m" })).rejects.toMatchObject({
        code: "network",
      });
      const cooling = healthFromProto(await health.health({}));
      expect(cooling.healthy).toBe(false);
      expect(cooling.cooling).toMatchObject([
        { provider: "mock", failures: 1, lastError: "network" },
      ]);
      expect(cooling.cooling?.[0]?.remainingMs).toBeGreaterThan(0);
    } finally {
      await daemon.close({ graceMs: 0 });
    }
  });
});

describe("errors", () => {
  it("bad input is INVALID_ARGUMENT with the typed code, never INTERNAL", async () => {
    const error = await connectError(client.embed({ text: "x", model: "" }));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("invalid_input");
    expect(error.rawMessage).not.toMatch(/\bat .*\.ts:\d+/);
    expect(errorFromConnectError(error)).toMatchObject({
      code: "invalid_input",
      details: { field: "model" },
    });
  });

  it("a bad chat message (unset role) is INVALID_ARGUMENT, on the stream too", async () => {
    const request = chatRequestToProto([Message.user("hi")], { model: "mock-1" });
    request.messages[0]!.role = 0;
    expect((await connectError(client.chat(request))).code).toBe(Code.InvalidArgument);
    const stream = (async () => {
      for await (const _ of client.chatStream(request)) {
        // nothing arrives
      }
    })();
    const error = await connectError(stream);
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.metadata.get(ERROR_CODE_METADATA_KEY)).toBe("invalid_input");
  });

  it("FitsContext and Route refuse bad input as invalid_input naming the field", async () => {
    const fit = await connectError(
      client.fitsContext({
        messages: [{ role: 2, content: "hi" }],
        model: "mock-1",
        contextWindow: 0,
      }),
    );
    expect(fit.code).toBe(Code.InvalidArgument);
    expect(errorFromConnectError(fit)).toMatchObject({
      code: "invalid_input",
      details: { field: "options.contextWindow" },
    });
    const route = await connectError(client.route({ capability: "speak", model: "mock-1" }));
    expect(route.code).toBe(Code.InvalidArgument);
    expect(errorFromConnectError(route)).toMatchObject({
      code: "invalid_input",
      details: { field: "capability" },
    });
  });

  it("a decoding error keeps its Ratatoskr code and field (a preset tier with a slash)", async () => {
    const bad = await connectError(client.resolvePreset({ tier: "a/b", capability: "coding" }));
    expect(errorFromConnectError(bad)).toMatchObject({
      code: "invalid_input",
      details: { field: "tier" },
    });
  });
});

describe("cancellation", () => {
  it("a client that goes away aborts the gateway call", async () => {
    const controller = new AbortController();
    const arrived = served.nextGatedStream();
    const reading = (async () => {
      for await (const message of client.chatStream(
        chatRequestToProto([Message.user("hi")], { model: "mock:gated" }),
        { signal: controller.signal },
      )) {
        if (message.event.case === "content") controller.abort();
      }
    })();
    const stream = await arrived;
    await expect(reading).rejects.toThrow();
    await stream.aborted;
    expect(stream.signal.aborted).toBe(true);
  });
});
