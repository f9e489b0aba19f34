/**
 * An independent stack calls the daemon: @grpc/proto-loader (protobufjs)
 * reads the ratatoskr.v1 .proto and @grpc/grpc-js calls Chat, ChatStream,
 * Embed, Tokenize, ListModels, Health and the extension RPCs FitsContext and
 * Route over h2c, with the bearer token in its metadata.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ratd, startRatd } from "../src/index.ts";
import { createServedGateway } from "./support/served-provider.ts";

const PROTO = fileURLToPath(
  new URL("../../protocol/proto/ratatoskr/v1/ratatoskr.proto", import.meta.url),
);
const TOKEN = "interop-token";

type Reply = Record<string, unknown>;
type GrpcClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

let ratd: Ratd;
let client: GrpcClient;

beforeAll(async () => {
  const { gateway } = await createServedGateway();
  ratd = await startRatd({ gateway, port: 0, token: TOKEN, version: "1.0.0" });
  const definition = loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    ratatoskr: {
      v1: { Ratatoskr: new (address: string, credentials: grpc.ChannelCredentials) => GrpcClient };
    };
  };
  client = new loaded.ratatoskr.v1.Ratatoskr(ratd.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await ratd?.close({ graceMs: 0 });
});

function metadata(token = TOKEN): grpc.Metadata {
  const result = new grpc.Metadata();
  result.set("authorization", `Bearer ${token}`);
  return result;
}

function unary(method: string, request: object, meta = metadata()): Promise<Reply> {
  return new Promise((resolve, reject) => {
    client[method]!(request, meta, (error: grpc.ServiceError | null, response: Reply) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function serverStream(method: string, request: object): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const items: Reply[] = [];
    const call = client[method]!(request, metadata()) as grpc.ClientReadableStream<Reply>;
    call.on("data", (item: Reply) => items.push(item));
    call.on("error", reject);
    call.on("end", () => resolve(items));
  });
}

const userMessage = (content: string) => ({ role: "ROLE_USER", content });

describe("grpc-js calls ratd", () => {
  it("Chat", async () => {
    const response = await unary("Chat", {
      messages: [userMessage("hello")],
      options: { model: "mock-1" },
    });
    expect(response.content).toBe("mock: hello");
  });

  it("ChatStream (an original client: revision 0)", async () => {
    const events = await serverStream("ChatStream", {
      messages: [userMessage("hi there")],
      options: { model: "mock-1" },
    });
    const text = events
      .filter((event) => event.event === "content")
      .map((event) => event.content)
      .join("");
    expect(text).toBe("mock: hi there");
    expect(events.at(-1)?.event).toBe("done");
  });

  it("Embed", async () => {
    const response = await unary("Embed", { text: "a text", model: "mock-1" });
    expect((response.values as number[]).length).toBeGreaterThan(0);
  });

  it("Tokenize, with UTF-8 byte offsets", async () => {
    const response = await unary("Tokenize", { text: "añb c", model: "mock-1" });
    expect(
      (response.tokens as Reply[]).map((token) => [token.text, token.start, token.end]),
    ).toEqual([
      ["añb", 0, 4],
      ["c", 5, 6],
    ]);
  });

  it("ListModels", async () => {
    const response = await unary("ListModels", {});
    expect(response.models).toEqual([
      expect.objectContaining({ id: "mock-1", provider: "mock", context_window: 8192 }),
    ]);
  });

  it("Health", async () => {
    expect(await unary("Health", {})).toMatchObject({
      healthy: true,
      version: "1.0.0",
      providers: ["mock"],
    });
  });

  it("FitsContext (extension): every field of the fit, a negative margin included", async () => {
    const request = {
      messages: [userMessage("two words")],
      model: "mock-1",
      reserve_output: 4,
      context_window: 4,
      allow_approximate: true,
    };
    const response = await unary("FitsContext", request);
    expect(response).toMatchObject({
      fits: false,
      reserve_output: 4,
      context_window: 4,
      approximate: true,
      source: expect.any(String),
    });
    const promptTokens = response.prompt_tokens as number;
    expect(promptTokens).toBeGreaterThan(0);
    expect(response.margin).toBe(String(4 - promptTokens - 4));
    expect(response.overflow).toBe(String(promptTokens));
    const bad = (await unary("FitsContext", { ...request, context_window: 0 }).catch(
      (failure: grpc.ServiceError) => failure,
    )) as grpc.ServiceError;
    expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.metadata.get("ratatoskr-error-code")).toEqual(["invalid_input"]);
  });

  it("Route (extension): the decision and its explanation", async () => {
    const response = await unary("Route", { capability: "chat", model: "mock:mock-1" });
    expect(response).toMatchObject({
      capability: "chat",
      model: "mock:mock-1",
      provider_model: "mock-1",
      provider: "mock",
      rule: "explicit-prefix",
      providers: ["mock"],
      explanation: expect.stringContaining("mock"),
    });
  });

  it("a wrong token is UNAUTHENTICATED", async () => {
    const error = (await unary("Health", {}, metadata("nope")).catch(
      (failure: grpc.ServiceError) => failure,
    )) as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.metadata.get("ratatoskr-error-code")).toEqual(["authentication"]);
  });
});
