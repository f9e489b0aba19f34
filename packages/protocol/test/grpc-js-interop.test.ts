/**
 * An independent stack reads our protocol: @grpc/proto-loader parses our
 * .proto (protobufjs, not Protobuf-ES) and @grpc/grpc-js calls every RPC of
 * a loopback Connect-ES server built on this package's generated code and
 * mappings. Streams honour the client's protocol revision, and errors arrive
 * with the status code of the error-trait table, the Ratatoskr error code in
 * metadata and the ErrorDetail in grpc-status-details-bin.
 */
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ERROR_CODES, errorTraits, GRPC_STATUS, RatatoskrError } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ErrorDetail, ErrorDetailSchema, errorFromStatus, Ratatoskr } from "../src/index.ts";
import {
  type LoopbackRatatoskrServer,
  startLoopbackRatatoskrServer,
} from "./support/loopback-ratatoskr-server.ts";

const PROTO = fileURLToPath(new URL("../proto/ratatoskr/v1/ratatoskr.proto", import.meta.url));

const definition = loadSync(PROTO, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

type Callback = (error: grpc.ServiceError | null, response: Record<string, unknown>) => void;
type GrpcClient = grpc.Client &
  Record<string, (request: object, ...rest: unknown[]) => grpc.ClientReadableStream<unknown>> &
  Record<string, (request: object, metadata: grpc.Metadata, callback: Callback) => void>;

let server: LoopbackRatatoskrServer;
let client: GrpcClient;

beforeAll(async () => {
  server = await startLoopbackRatatoskrServer();
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    ratatoskr: {
      v1: { Ratatoskr: new (address: string, credentials: grpc.ChannelCredentials) => GrpcClient };
    };
  };
  client = new loaded.ratatoskr.v1.Ratatoskr(server.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await server?.close();
});

function unary(method: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    client[method]!(
      request,
      new grpc.Metadata(),
      (error: grpc.ServiceError | null, response: Record<string, unknown>) =>
        error ? reject(error) : resolve(response),
    );
  });
}

function unaryError(method: string, request: object): Promise<grpc.ServiceError> {
  return unary(method, request).then(
    () => {
      throw new Error(`${method} succeeded; an error was expected`);
    },
    (error: grpc.ServiceError) => error,
  );
}

function serverStream(method: string, request: object): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const items: Array<Record<string, unknown>> = [];
    const call = (
      client[method] as (request: object) => grpc.ClientReadableStream<Record<string, unknown>>
    )(request);
    call.on("data", (item: Record<string, unknown>) => items.push(item));
    call.on("error", reject);
    call.on("end", () => resolve(items));
  });
}

/**
 * A `grpc-status-details-bin` value (a google.rpc.Status: code = 1, message =
 * 2, details = 3 as Any {type_url = 1, value = 2}), read field by field.
 */
function statusDetails(statusBytes: Uint8Array): { message: string; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  let message = "";
  const status = new BinaryReader(statusBytes);
  while (status.pos < status.len) {
    const [field, wireType] = status.tag();
    if (field === 2) {
      message = status.string();
      continue;
    }
    if (field !== 3) {
      status.skip(wireType);
      continue;
    }
    const any = new BinaryReader(status.bytes());
    let typeUrl = "";
    let value: Uint8Array = new Uint8Array();
    while (any.pos < any.len) {
      const [anyField, anyWireType] = any.tag();
      if (anyField === 1) typeUrl = any.string();
      else if (anyField === 2) value = any.bytes();
      else any.skip(anyWireType);
    }
    if (typeUrl.endsWith("/ratatoskr.v1.ErrorDetail"))
      details.push(fromBinary(ErrorDetailSchema, value));
  }
  return { message, details };
}

const chatRequest = (model: string, protocolRevision: number) => ({
  messages: [{ role: "ROLE_USER", content: "find x" }],
  options: { model },
  protocol_revision: protocolRevision,
});

describe("@grpc/proto-loader reading our .proto", () => {
  it("sees the same service: every RPC at /ratatoskr.v1.Ratatoskr/<Name> with the same streaming", () => {
    const service = definition["ratatoskr.v1.Ratatoskr"] as Record<
      string,
      { path: string; requestStream: boolean; responseStream: boolean }
    >;
    expect(Object.keys(service).sort()).toEqual(
      Ratatoskr.methods.map((method) => method.name).sort(),
    );
    for (const method of Ratatoskr.methods) {
      expect(service[method.name], method.name).toMatchObject({
        path: `/ratatoskr.v1.Ratatoskr/${method.name}`,
        requestStream: false,
        responseStream: method.methodKind === "server_streaming",
      });
    }
  });
});

describe("@grpc/grpc-js calling every RPC of a Connect-ES server", () => {
  it("Chat", async () => {
    const response = await unary("Chat", chatRequest("mock-1", 1));
    expect(response).toMatchObject({
      content: "echo: find x",
      finish_reason: "FINISH_REASON_STOP",
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      model: "mock-1",
      provider: "mock",
      request_id: "req-loopback",
    });
  });

  it("ChatStream for a client of this protocol (revision 1): every event, the whole tool call on its end, finish on done", async () => {
    const events = await serverStream("ChatStream", chatRequest("mock-1", 1));
    expect(events.map((event) => event.event)).toEqual([
      "reasoning",
      "reasoning_detail",
      "server_tool_call",
      "server_tool_result",
      "content",
      "tool_call_start",
      "tool_call_delta",
      "tool_call_delta",
      "tool_call_end",
      "done",
    ]);
    expect(events[2]).toMatchObject({
      server_tool_call: { id: "srv_1", name: "web_search", input_json: '{"query":"find x"}' },
    });
    expect(events[8]).toMatchObject({
      tool_call_end: { index: 0, id: "call_1", name: "lookup", arguments: '{"q":"x"}' },
    });
    expect(events[9]).toMatchObject({
      done: true,
      finish: {
        finish_reason: "FINISH_REASON_TOOL_CALLS",
        raw_finish_reason: "tool_use",
        usage: { prompt_tokens: 7, total_tokens: 10, cache_read_tokens: 4 },
        provider: "mock",
      },
    });
  });

  it("ChatStream for a client of the original protocol (revision 0): no event it does not know, usage before done", async () => {
    const events = await serverStream("ChatStream", chatRequest("mock-1", 0));
    expect(events.map((event) => event.event)).toEqual([
      "reasoning",
      "content",
      "tool_call_start",
      "tool_call_delta",
      "tool_call_delta",
      "tool_call_end",
      "usage",
      "done",
    ]);
    expect(events[6]).toMatchObject({
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
  });

  it("Generate and GenerateStream (the usage event only from revision 1)", async () => {
    const request = (revision: number) => ({
      prompt: "Once",
      options: { model: "mock-1", max_tokens: 8 },
      protocol_revision: revision,
    });
    expect(await unary("Generate", request(1))).toMatchObject({
      text: "Once and so on",
      finish_reason: "FINISH_REASON_LENGTH",
      model: "mock-1",
    });
    const extended = await serverStream("GenerateStream", request(1));
    expect(extended.map((event) => event.event)).toEqual(["text", "text", "usage", "done"]);
    const original = await serverStream("GenerateStream", request(0));
    expect(original.map((event) => event.event)).toEqual(["text", "text", "done"]);
    expect(original[2]).toMatchObject({
      done: true,
      finish: { finish_reason: "FINISH_REASON_STOP" },
    });
  });

  it("Embed and EmbedBatch", async () => {
    expect(await unary("Embed", { text: "four", model: "mock-embed" })).toMatchObject({
      values: [4, 0.5],
      model: "mock-embed",
      dimensions: 2,
    });
    const batch = await unary("EmbedBatch", { texts: ["a", "bb"], model: "mock-embed" });
    expect(batch.embeddings).toMatchObject([{ values: [1, 0.5] }, { values: [2, 0.5] }]);
  });

  it("InferNli and InferNliBatch", async () => {
    expect(
      await unary("InferNli", {
        premise: "A dog runs.",
        hypothesis: "An animal moves.",
        model: "mock-nli",
      }),
    ).toMatchObject({ entailment: 0.75, label: "NLI_LABEL_ENTAILMENT" });
    const batch = await unary("InferNliBatch", {
      pairs: [
        { premise: "p1", hypothesis: "h1" },
        { premise: "p2", hypothesis: "h2" },
      ],
      model: "mock-nli",
    });
    expect(batch.results).toMatchObject([
      { label: "NLI_LABEL_CONTRADICTION" },
      { label: "NLI_LABEL_CONTRADICTION" },
    ]);
  });

  it("ClassifyZeroShot and ClassifyStance", async () => {
    expect(
      await unary("ClassifyZeroShot", {
        text: "Goal!",
        labels: ["sports", "politics"],
        model: "mock-nli",
      }),
    ).toMatchObject({
      scores: { sports: 0.75, politics: 0.25 },
      top_label: "sports",
      confidence: 0.75,
    });
    expect(
      await unary("ClassifyStance", { text: "Cats rule.", target: "cats", model: "mock-nli" }),
    ).toMatchObject({
      label: "STANCE_LABEL_FAVOR",
      target: "cats",
    });
  });

  it("CountTokens and Tokenize", async () => {
    expect(await unary("CountTokens", { text: "one two three", model: "mock-1" })).toMatchObject({
      count: 3,
      approximate: true,
      source: "words",
    });
    const { tokens } = await unary("Tokenize", { text: "one two", model: "mock-1" });
    expect(tokens).toMatchObject([
      { id: 1, text: "one" },
      { id: 2, text: "two" },
    ]);
  });

  it("ListModels, ModelStatus, GetModelMetadata and FetchModelMetadata", async () => {
    expect((await unary("ListModels", {})).models).toMatchObject([
      { id: "mock-1", capabilities: ["MODEL_CAPABILITY_CHAT"], context_window: 8192 },
    ]);
    expect(await unary("ModelStatus", { model: "mock-1" })).toMatchObject({
      status: "MODEL_STATUS_READY",
    });
    expect(await unary("ModelStatus", { model: "other" })).toMatchObject({
      status: "MODEL_STATUS_UNAVAILABLE",
      reason: "unknown model",
    });
    expect(await unary("GetModelMetadata", { model: "mock-1" })).toMatchObject({
      found: true,
      metadata: { info: { id: "mock-1" }, max_output_tokens: 1024 },
    });
    expect(await unary("FetchModelMetadata", { model: "mock-2" })).toMatchObject({
      found: true,
      metadata: { pricing: { prompt_cost_per_mtok: 0.5, completion_cost_per_mtok: 1.5 } },
    });
  });

  it("ResolvePreset and ListPresets", async () => {
    expect(await unary("ResolvePreset", { tier: "fast", capability: "chat" })).toMatchObject({
      found: true,
      model_id: "mock-1",
      parameters: { temperature: 0.5, max_tokens: "256" },
    });
    expect((await unary("ListPresets", {})).tiers).toMatchObject([
      { tier: "fast", capabilities: ["chat"] },
    ]);
  });

  it("FitsContext and Route (extension RPCs)", async () => {
    expect(
      await unary("FitsContext", {
        messages: [{ role: "ROLE_USER", content: "one two three" }],
        model: "mock-1",
        reserve_output: 2,
        context_window: 4,
      }),
    ).toMatchObject({
      fits: false,
      prompt_tokens: 3,
      reserve_output: 2,
      context_window: 4,
      margin: "-1",
      overflow: "1",
      approximate: true,
      source: "words",
    });
    expect(await unary("Route", { capability: "embed", model: "mock-1" })).toMatchObject({
      capability: "embed",
      provider: "mock",
      rule: "first-accepting",
      providers: ["mock"],
      candidates: [{ provider: "mock", accepted: true }],
      explanation: "mock is the first provider that accepts mock-1 for embed",
    });
  });

  it("Health and GetCapabilities", async () => {
    expect(await unary("Health", {})).toMatchObject({ healthy: true, version: "0.0.0-test" });
    const capabilities = await unary("GetCapabilities", {});
    expect(capabilities.capabilities).toEqual([
      "MODEL_CAPABILITY_CHAT",
      "MODEL_CAPABILITY_CHAT_STREAMING",
      "MODEL_CAPABILITY_GENERATE",
      "MODEL_CAPABILITY_TOOL_USE",
      "MODEL_CAPABILITY_EMBED",
      "MODEL_CAPABILITY_NLI",
      "MODEL_CAPABILITY_CLASSIFY",
      "MODEL_CAPABILITY_TOKEN_COUNTING",
      // classifyStance runs on zero-shot classification, so it is offered with it.
      "MODEL_CAPABILITY_STANCE",
    ]);
    expect(capabilities.providers).toContainEqual({ capability: "chat", providers: ["mock"] });
  });
});

describe("errors as @grpc/grpc-js sees them", () => {
  it("every error code arrives with the error-trait table's status code and the code in metadata", async () => {
    for (const code of ERROR_CODES) {
      const error = await unaryError("Chat", chatRequest(`fail:${code}`, 1));
      expect(error.code, code).toBe(GRPC_STATUS[errorTraits({ code }).grpcStatus]);
      expect(error.metadata.get("ratatoskr-error-code"), code).toEqual([code]);
    }
  });

  it("the status detail carries every field, and rebuilds the same typed error", async () => {
    const error = await unaryError("Chat", chatRequest("fail:rate_limited", 1));
    expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // grpc-js decodes grpc-message with decodeURI, which leaves reserved characters
    // percent-encoded (":" stays "%3A"); the google.rpc.Status carries the message as sent.
    expect(decodeURIComponent(error.details)).toBe("The upstream failed for fail:rate_limited");
    expect(error.metadata.get("ratatoskr-retry-after-ms")).toEqual(["1500"]);
    expect(error.metadata.get("ratatoskr-request-id")).toEqual(["req-loopback"]);
    const [statusBytes] = error.metadata.get("grpc-status-details-bin") as Buffer[];
    const { message, details } = statusDetails(statusBytes!);
    expect(message).toBe("The upstream failed for fail:rate_limited");
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({
      code: "rate_limited",
      provider: "mock",
      model: "fail:rate_limited",
      httpStatus: 429,
      retryAfterMs: 1500,
      isRetryable: true,
      partial: { content: "half an answ" },
      detailsJson: '{"attempts":3}',
      requestId: "req-loopback",
    });
    const rebuilt = errorFromStatus({
      code: error.code,
      message,
      metadata: error.metadata.getMap() as Record<string, string>,
      detail: details[0]!,
    });
    expect(RatatoskrError.isInstance(rebuilt, "rate_limited")).toBe(true);
    expect(rebuilt).toMatchObject({
      message: "The upstream failed for fail:rate_limited",
      provider: "mock",
      status: 429,
      retryAfterMs: 1500,
      isRetryable: true,
      partial: { content: "half an answ" },
      details: { attempts: 3, requestId: "req-loopback" },
    });
  });

  it("bad input is INVALID_ARGUMENT naming the field, with no stack trace", async () => {
    const error = await unaryError("Chat", {
      messages: [{ role: "ROLE_UNSPECIFIED", content: "hi" }],
      options: { model: "mock-1" },
    });
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.metadata.get("ratatoskr-error-code")).toEqual(["invalid_input"]);
    expect(error.details).toMatch(/^messages\[0\]\.role must be ROLE_SYSTEM/);
    expect(error.details).not.toMatch(/\bat .*\.ts:\d+/);

    const schemaError = await unaryError("Chat", {
      messages: [{ role: "ROLE_USER", content: "hi" }],
      tools: [{ name: "t", parameters_json: "{not json" }],
      options: { model: "mock-1" },
    });
    expect(schemaError.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(schemaError.details).toContain("options.tools[0].parametersJson must be JSON text");

    const streamError = await serverStream("ChatStream", {
      messages: [],
      options: { model: "" },
    }).then(
      () => undefined,
      (thrown: grpc.ServiceError) => thrown,
    );
    expect(streamError?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});
