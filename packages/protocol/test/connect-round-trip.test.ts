/**
 * Ratatoskr values through a real transport and back: a Connect-ES client
 * (gRPC, Connect and gRPC-Web protocols) encodes with this package's request
 * mappings and decodes with its event decoders and error mapping, against the
 * loopback server that encodes with the response mappings.
 */
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { Message, RatatoskrError } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChatEventDecoder,
  chatRequestToProto,
  chatResponseFromProto,
  errorFromConnectError,
  GenerateEventDecoder,
  generateRequestToProto,
  Ratatoskr,
  type WireChatEvent,
} from "../src/index.ts";
import {
  chatEvents,
  type LoopbackRatatoskrServer,
  startLoopbackRatatoskrServer,
} from "./support/loopback-ratatoskr-server.ts";

let server: LoopbackRatatoskrServer;
let grpc: Client<typeof Ratatoskr>;

beforeAll(async () => {
  server = await startLoopbackRatatoskrServer();
  grpc = createClient(Ratatoskr, createGrpcTransport({ baseUrl: server.url }));
});

afterAll(async () => {
  await server?.close();
});

async function streamChat(
  client: Client<typeof Ratatoskr>,
  revision: number,
): Promise<WireChatEvent[]> {
  const decoder = new ChatEventDecoder();
  const events: WireChatEvent[] = [];
  const request = chatRequestToProto(
    [Message.user("find x")],
    { model: "mock-1" },
    { protocolRevision: revision },
  );
  for await (const message of client.chatStream(request)) events.push(decoder.decode(message));
  return events;
}

describe("a chat stream through gRPC and back", () => {
  it("revision 1: every event arrives as the server produced it", async () => {
    expect(await streamChat(grpc, 1)).toEqual(chatEvents("find x"));
  });

  it("revision 0: the events the original protocol knows, usage moved before done, done unchanged", async () => {
    const expected = chatEvents("find x").filter(
      (event) =>
        !["reasoning_detail", "server_tool_call", "server_tool_result"].includes(event.type),
    );
    const done = expected.pop()!;
    expect(done.type).toBe("done");
    const usage = done.type === "done" ? done.usage! : undefined;
    expect(await streamChat(grpc, 0)).toEqual([...expected, { type: "usage", usage }, done]);
  });

  it("a generate stream", async () => {
    const decoder = new GenerateEventDecoder();
    const request = generateRequestToProto("Once", { model: "mock-1" });
    const events = [];
    for await (const message of grpc.generateStream(request)) events.push(decoder.decode(message));
    expect(events).toEqual([
      { type: "text", text: "Once" },
      { type: "text", text: " and so on" },
      { type: "usage", usage: { promptTokens: 2, completionTokens: 2, totalTokens: 4 } },
      {
        type: "done",
        finishReason: "stop",
        usage: { promptTokens: 2, completionTokens: 2, totalTokens: 4 },
        model: "mock-1",
        provider: "mock",
      },
    ]);
  });
});

describe("one port, three protocols", () => {
  const transports: Array<[string, () => Transport]> = [
    ["gRPC", () => createGrpcTransport({ baseUrl: server.url })],
    ["Connect", () => createConnectTransport({ baseUrl: server.url, httpVersion: "2" })],
    ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "2" })],
  ];

  it.each(transports)(
    "%s: a chat answer, with the warnings the request produced",
    async (_name, transport) => {
      const client = createClient(Ratatoskr, transport());
      const request = chatRequestToProto([Message.user("hi")], {
        model: "mock-1",
        reasoning: { effort: "high" },
      });
      request.options!.reasoning!.effort = 6; // REASONING_EFFORT_XHIGH, as an original client may send
      const response = chatResponseFromProto(await client.chat(request));
      expect(response).toMatchObject({
        content: "echo: hi",
        finishReason: "stop",
        provider: "mock",
        requestId: "req-loopback",
        warnings: [
          { type: "other", message: expect.stringContaining("XHIGH was lowered to high") },
        ],
      });
    },
  );

  it.each(transports)("%s: a failure rebuilds the same typed error", async (_name, transport) => {
    const client = createClient(Ratatoskr, transport());
    const request = chatRequestToProto([Message.user("hi")], {
      model: "fail:context_length_exceeded",
    });
    const error = await client.chat(request).then(
      () => undefined,
      (thrown: unknown) => errorFromConnectError(thrown),
    );
    expect(RatatoskrError.isInstance(error, "context_length_exceeded")).toBe(true);
    expect(error).toMatchObject({
      message: "The upstream failed for fail:context_length_exceeded",
      provider: "mock",
      model: "fail:context_length_exceeded",
      status: 429,
      partial: { content: "half an answ" },
      details: { attempts: 3, requestId: "req-loopback" },
    });
  });
});
