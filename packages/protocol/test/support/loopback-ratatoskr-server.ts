/**
 * A loopback ratatoskr.v1 server on Connect-ES (gRPC, gRPC-Web and Connect on
 * one port), answering every RPC from fixed data through this package's
 * mappings: a smoke-test stand-in for the daemon, which comes later. Failures
 * of the mappings (bad input) and the model `fail:<code>` answer as typed
 * errors through the error-trait table.
 */
import { createServer, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  type ChatEvent,
  type ChatResponse,
  type ErrorCode,
  type GenerateEvent,
  RatatoskrError,
} from "@ratatoskr/core";
import {
  ChatEventEncoder,
  capabilitiesToProto,
  chatRequestFromProto,
  chatResponseToProto,
  classifyRequestFromProto,
  classifyResultToProto,
  contextFitToProto,
  embedBatchRequestFromProto,
  embedBatchResponseToProto,
  embeddingToProto,
  embedRequestFromProto,
  errorToConnectError,
  fitsContextRequestFromProto,
  GenerateEventEncoder,
  generateRequestFromProto,
  generateResponseToProto,
  ModelCapability,
  ModelStatus,
  nliBatchRequestFromProto,
  nliBatchResponseToProto,
  nliRequestFromProto,
  nliResultToProto,
  Ratatoskr,
  routeDecisionToProto,
  routeRequestFromProto,
  stanceRequestFromProto,
  stanceResultToProto,
  tokenCountRequestFromProto,
  tokenCountToProto,
} from "../../src/index.ts";

/** A started loopback server. */
export interface LoopbackRatatoskrServer {
  /** `127.0.0.1:<port>`, for grpc-js. */
  address: string;
  /** `http://127.0.0.1:<port>`, for Connect clients. */
  url: string;
  close(): Promise<void>;
}

/** Turns a thrown RatatoskrError into the ConnectError the error-trait table asks for. */
function typed<Args extends unknown[], Result>(
  handler: (...args: Args) => Result,
): (...args: Args) => Result {
  return (...args) => {
    try {
      return handler(...args);
    } catch (error) {
      throw RatatoskrError.isInstance(error) ? errorToConnectError(error, "req-loopback") : error;
    }
  };
}

function failIfAsked(model: string): void {
  if (!model.startsWith("fail:")) return;
  throw new RatatoskrError({
    code: model.slice("fail:".length) as ErrorCode,
    message: `The upstream failed for ${model}`,
    provider: "mock",
    model,
    status: 429,
    retryAfterMs: 1500,
    partial: { content: "half an answ" },
    details: { attempts: 3 },
  });
}

/** The chat stream the server answers with: every event kind, extension-only ones included. */
export function chatEvents(text: string): ChatEvent[] {
  return [
    { type: "reasoning", text: "Thinking." },
    { type: "reasoning_detail", detail: { type: "text", text: "Thinking.", signature: "sig-1" } },
    {
      type: "server_tool_call",
      call: { id: "srv_1", name: "web_search", input: { query: text } },
    },
    {
      type: "server_tool_result",
      result: { toolCallId: "srv_1", name: "web_search", content: [{ title: "Result" }] },
    },
    { type: "content", text: `echo: ${text}` },
    { type: "tool_call_start", index: 0, id: "call_1", name: "lookup" },
    { type: "tool_call_delta", index: 0, arguments: '{"q":' },
    { type: "tool_call_delta", index: 0, arguments: '"x"}' },
    {
      type: "tool_call_end",
      index: 0,
      id: "call_1",
      name: "lookup",
      arguments: '{"q":"x"}',
      parsedArguments: { q: "x" },
    },
    {
      type: "done",
      finishReason: "tool_calls",
      rawFinishReason: "tool_use",
      usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10, cacheReadTokens: 4 },
      model: "mock-1",
      provider: "mock",
    },
  ];
}

const implementation: ServiceImpl<typeof Ratatoskr> = {
  chat: typed((request) => {
    const { messages, options, warnings } = chatRequestFromProto(request);
    failIfAsked(options.model);
    const response: ChatResponse = {
      content: `echo: ${messages.at(-1)?.content ?? ""}`,
      toolCalls: [],
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
      model: options.model,
      provider: "mock",
    };
    return chatResponseToProto({ ...response, requestId: "req-loopback", warnings });
  }),
  chatStream: async function* (request) {
    const { messages, options } = typed(chatRequestFromProto)(request);
    typed(failIfAsked)(options.model);
    const encoder = new ChatEventEncoder(request.protocolRevision);
    for (const event of chatEvents(messages.at(-1)?.content ?? "")) yield* encoder.encode(event);
  },
  generate: typed((request) => {
    const { prompt, options } = generateRequestFromProto(request);
    failIfAsked(options.model);
    return generateResponseToProto({
      text: `${prompt} and so on`,
      model: options.model,
      finishReason: "length",
      usage: { promptTokens: 2, completionTokens: 3, totalTokens: 5 },
    });
  }),
  generateStream: async function* (request) {
    const { prompt, options } = typed(generateRequestFromProto)(request);
    const encoder = new GenerateEventEncoder(request.protocolRevision);
    const usage = { promptTokens: 2, completionTokens: 2, totalTokens: 4 };
    const events: GenerateEvent[] = [
      { type: "text", text: prompt },
      { type: "text", text: " and so on" },
      { type: "usage", usage },
      { type: "done", finishReason: "stop", usage, model: options.model, provider: "mock" },
    ];
    for (const event of events) yield* encoder.encode(event);
  },
  embed: typed((request) => {
    const { text, model } = embedRequestFromProto(request);
    return embeddingToProto({ values: [text.length, 0.5], model, dimensions: 2 });
  }),
  embedBatch: typed((request) => {
    const { texts, model } = embedBatchRequestFromProto(request);
    return embedBatchResponseToProto(
      texts.map((text) => ({ values: [text.length, 0.5], model, dimensions: 2 })),
    );
  }),
  inferNli: typed((request) => {
    nliRequestFromProto(request);
    return nliResultToProto({
      entailment: 0.75,
      contradiction: 0.125,
      neutral: 0.125,
      label: "entailment",
    });
  }),
  inferNliBatch: typed((request) => {
    const { pairs } = nliBatchRequestFromProto(request);
    return nliBatchResponseToProto(
      pairs.map(() => ({
        entailment: 0.125,
        contradiction: 0.75,
        neutral: 0.125,
        label: "contradiction",
      })),
    );
  }),
  classifyZeroShot: typed((request) => {
    const { labels } = classifyRequestFromProto(request);
    const scores = Object.fromEntries(
      labels.map((label, index) => [label, index === 0 ? 0.75 : 0.25]),
    );
    return classifyResultToProto({ scores, topLabel: labels[0]!, confidence: 0.75 });
  }),
  classifyStance: typed((request) => {
    const { target } = stanceRequestFromProto(request);
    return stanceResultToProto({
      favor: 0.75,
      against: 0.125,
      neutral: 0.125,
      label: "favor",
      target,
    });
  }),
  countTokens: typed((request) => {
    const { text } = tokenCountRequestFromProto(request);
    return tokenCountToProto({ count: text.split(" ").length, approximate: true, source: "words" });
  }),
  tokenize: (request) => ({
    tokens: request.text
      .split(" ")
      .map((text, index) => ({ id: index + 1, text, start: 0, end: text.length })),
  }),
  listModels: () => ({
    models: [
      { id: "mock-1", provider: "mock", capabilities: [ModelCapability.CHAT], contextWindow: 8192 },
    ],
  }),
  modelStatus: (request) => ({
    status: request.model === "mock-1" ? ModelStatus.READY : ModelStatus.UNAVAILABLE,
    ...(request.model === "mock-1" ? {} : { reason: "unknown model" }),
  }),
  getModelMetadata: (request) => ({
    found: request.model === "mock-1",
    ...(request.model === "mock-1"
      ? { metadata: { info: { id: "mock-1", provider: "mock" }, maxOutputTokens: 1024 } }
      : {}),
  }),
  fetchModelMetadata: (request) => ({
    found: true,
    metadata: {
      info: { id: request.model, provider: "mock" },
      pricing: { promptCostPerMtok: 0.5, completionCostPerMtok: 1.5 },
    },
  }),
  resolvePreset: (request) => ({
    found: request.tier === "fast",
    ...(request.tier === "fast"
      ? { modelId: "mock-1", parameters: { temperature: 0.5, maxTokens: 256n } }
      : {}),
  }),
  listPresets: () => ({ tiers: [{ tier: "fast", capabilities: ["chat"] }] }),
  fitsContext: typed((request) => {
    const { messages, model, options } = fitsContextRequestFromProto(request);
    failIfAsked(model);
    const promptTokens = messages.reduce(
      (sum, message) => sum + message.content.split(" ").length,
      0,
    );
    const reserveOutput = options.reserveOutput ?? 0;
    const contextWindow = options.contextWindow ?? 8192;
    const margin = contextWindow - promptTokens - reserveOutput;
    return contextFitToProto({
      fits: margin >= 0,
      promptTokens,
      reserveOutput,
      contextWindow,
      margin,
      overflow: margin < 0 ? -margin : 0,
      approximate: true,
      source: "words",
    });
  }),
  route: typed((request) => {
    const { capability, model } = routeRequestFromProto(request);
    return routeDecisionToProto({
      capability,
      model,
      providerModel: model,
      provider: "mock",
      rule: "first-accepting",
      providers: ["mock"],
      candidates: [{ provider: "mock", accepted: true }],
      explanation: `mock is the first provider that accepts ${model} for ${capability}`,
    });
  }),
  health: () => ({ healthy: true, version: "0.0.0-test" }),
  getCapabilities: () =>
    capabilitiesToProto({
      chat: true,
      chatStreaming: true,
      generate: true,
      toolUse: true,
      embeddings: true,
      nli: true,
      classification: true,
      tokenCounting: true,
      localInference: false,
      providers: {
        chat: ["mock"],
        generate: ["mock"],
        embed: ["mock"],
        nli: ["mock"],
        classify: ["mock"],
        countTokens: ["mock"],
      },
    }),
};

/** Start the server on 127.0.0.1 and an ephemeral port. */
export async function startLoopbackRatatoskrServer(): Promise<LoopbackRatatoskrServer> {
  const sessions = new Set<Http2Session>();
  const server = createServer(
    connectNodeAdapter({ routes: (router) => router.service(Ratatoskr, implementation) }),
  );
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
