/**
 * Errors cross the wire typed: the client rebuilds the `RatatoskrError` the
 * daemon's gateway had (code, retry-after, provider), bad input fails
 * locally without a round trip, and the caller's abort and deadline end the
 * RPC with `aborted` and `timeout`.
 */
import { inspect } from "node:util";
import { type ErrorCode, Message, RatatoskrError } from "@ratatoskr/core";
import type { Gateway } from "@ratatoskr/gateway";
import type { MockProvider } from "@ratatoskr/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServiceClient } from "../src/index.ts";
import {
  embeddedGateway,
  mockProvider,
  type RemoteSetup,
  remoteSetup,
  UNSERVED_PREFIX,
} from "./support/gateways.ts";

const messages = [Message.user("Hello")];

async function failure(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the call did not fail");
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

/** A stream that keeps the provider call open for a minute. */
function slowStream(mock: MockProvider): void {
  mock.enqueueStream({
    events: [
      { type: "content", text: "never" },
      { type: "done", finishReason: "stop" },
    ],
    delayMs: 60_000,
  });
}

describe("typed errors, embedded and remote alike", () => {
  let remote: RemoteSetup;
  let embeddedMock: MockProvider;
  let embedded: Gateway;

  beforeEach(async () => {
    remote = await remoteSetup();
    embeddedMock = mockProvider();
    embedded = await embeddedGateway(embeddedMock);
  });
  afterEach(() => remote.close());

  const invalidCalls: Record<string, (gateway: Gateway) => Promise<unknown>> = {
    "chat without messages": (g) => g.chat([], { model: "mock-1" }),
    "chat with a negative temperature": (g) =>
      g.chat(messages, { model: "mock-1", temperature: -1 }),
    "chatStream without a model": (g) => drain(g.chatStream(messages, { model: "" })),
    "generate with a non-string prompt": (g) => g.generate(42 as never, { model: "mock-1" }),
    "embed without text": (g) => g.embed("", "mock-1"),
    "embedBatch with a bad timeout": (g) => g.embedBatch(["a"], "mock-1", { timeout: -5 }),
    "inferNliBatch without pairs": (g) => g.inferNliBatch([], "mock-1"),
    "classifyZeroShot with one label": (g) => g.classifyZeroShot("t", [], "mock-1"),
    "countTokens with a non-string model": (g) => g.countTokens("t", 5 as never),
    "modelStatus with an unknown option": (g) => g.modelStatus("mock-1", { bogus: 1 } as never),
    "listModels with bad providers": (g) => g.listModels({ providers: [""] }),
  };

  for (const [name, call] of Object.entries(invalidCalls)) {
    it(`invalid_input without a round trip: ${name}`, async () => {
      const local = await failure(call(embedded));
      const over = await failure(call(remote.client as unknown as Gateway));
      expect(local.code).toBe("invalid_input");
      expect(over.code).toBe("invalid_input");
      expect(over.details?.field).toBe(local.details?.field);
      expect(remote.mock.calls).toHaveLength(0);
      expect(remote.mock.catalogCalls).toHaveLength(0);
    });
  }

  it("no_provider, from the daemon's router", async () => {
    const model = `${UNSERVED_PREFIX}model`;
    const local = await failure(embedded.chat(messages, { model }));
    const over = await failure(remote.client.chat(messages, { model }));
    expect(local.code).toBe("no_provider");
    expect(over.code).toBe("no_provider");
    expect(over.message).toBe(local.message);
  });

  it("rate_limited keeps its retry-after, provider and status", async () => {
    const limited = () =>
      new RatatoskrError({
        code: "rate_limited",
        message: "slow down",
        provider: "mock",
        status: 429,
        retryAfterMs: 1500,
      });
    embeddedMock.failNext("chat", limited());
    remote.mock.failNext("chat", limited());
    const local = await failure(embedded.chat(messages, { model: "mock-1", retry: false }));
    const over = await failure(remote.client.chat(messages, { model: "mock-1", retry: false }));
    expect(over).toMatchObject({
      code: "rate_limited",
      retryAfterMs: 1500,
      provider: "mock",
      status: 429,
    });
    expect(over.code).toBe(local.code);
    expect(over.retryAfterMs).toBe(local.retryAfterMs);
  });

  it("a stream's provider failure after events ends the stream with its typed error", async () => {
    const script = () => ({
      events: [{ type: "content" as const, text: "half " }],
      error: new RatatoskrError({
        code: "stream",
        message: "the upstream broke",
        provider: "mock",
      }),
    });
    embeddedMock.enqueueStream(script());
    remote.mock.enqueueStream(script());
    const local = await failure(
      drain(embedded.chatStream(messages, { model: "mock-1", retry: false })),
    );
    const over = await failure(
      drain(remote.client.chatStream(messages, { model: "mock-1", retry: false })),
    );
    expect(over.code).toBe(local.code);
    expect(over.code).toBe("stream");
  });

  it("aborted: the caller's signal cancels the RPC and the daemon's provider call", async () => {
    slowStream(remote.mock);
    const controller = new AbortController();
    const call = failure(
      remote.client.chat(messages, { model: "mock-1", signal: controller.signal }),
    );
    await expect.poll(() => remote.mock.calls.length).toBe(1);
    controller.abort();
    expect((await call).code).toBe("aborted");
    await expect.poll(() => remote.mock.calls[0]?.signal.aborted).toBe(true);
  });

  it("aborted before the call: nothing is sent", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(remote.client.embed("x", "mock-1", { signal: controller.signal }));
    expect(error.code).toBe("aborted");
    expect(remote.mock.calls).toHaveLength(0);
  });

  it("timeout: options.timeout is the RPC's deadline", async () => {
    slowStream(remote.mock);
    const error = await failure(remote.client.chat(messages, { model: "mock-1", timeout: 200 }));
    expect(error.code).toBe("timeout");
    await expect.poll(() => remote.mock.calls[0]?.signal.aborted).toBe(true);
  });

  it("timeout: the client's default deadline", async () => {
    const client = createServiceClient(remote.server.url, { timeout: 200 });
    try {
      slowStream(remote.mock);
      expect((await failure(client.chat(messages, { model: "mock-1" }))).code).toBe("timeout");
    } finally {
      await client.close();
    }
  });

  it("a closed client rejects with configuration", async () => {
    await remote.client.close();
    expect((await failure(remote.client.embed("x", "mock-1"))).code).toBe("configuration");
    expect(
      (await failure(drain(remote.client.chatStream(messages, { model: "mock-1" })))).code,
    ).toBe("configuration");
  });
});

describe("createServiceClient's options", () => {
  const bad: Record<string, () => unknown> = {
    url: () => createServiceClient("ftp://example.com"),
    "url with credentials": () => createServiceClient("http://user:pw@127.0.0.1:1"),
    "options.token": () => createServiceClient("http://127.0.0.1:1", { token: "" }),
    "options.transport": () =>
      createServiceClient("http://127.0.0.1:1", { transport: "h3" as never }),
    "options.timeout": () => createServiceClient("http://127.0.0.1:1", { timeout: -1 }),
    "options.tls": () => createServiceClient("http://127.0.0.1:1", { tls: {} }),
    "options.retry.retries": () =>
      createServiceClient("http://127.0.0.1:1", { retry: { retries: 1.5 } }),
    "options.nope": () => createServiceClient("http://127.0.0.1:1", { nope: 1 } as never),
  };
  for (const [field, create] of Object.entries(bad)) {
    it(`rejects a bad ${field} as invalid_input`, () => {
      let thrown: unknown;
      try {
        create();
      } catch (error) {
        thrown = error;
      }
      expect(RatatoskrError.isInstance(thrown)).toBe(true);
      expect((thrown as RatatoskrError).code satisfies ErrorCode).toBe("invalid_input");
    });
  }
});

describe("bearer token", () => {
  const TOKEN = "canary-token-4f1e9c2a7b";
  let remote: RemoteSetup;

  beforeEach(async () => {
    remote = await remoteSetup({ serverToken: TOKEN, token: TOKEN });
  });
  afterEach(() => remote.close());

  it("is sent as authorization: Bearer, and the daemon admits the call", async () => {
    const response = await remote.client.chat(messages, { model: "mock-1" });
    expect(response.content).toBe("mock: Hello");
  });

  it("a missing or wrong token is a typed authentication error, without the token", async () => {
    for (const options of [{}, { token: "wrong-token-0000" }]) {
      const client = createServiceClient(remote.server.url, options);
      try {
        const error = await failure(client.chat(messages, { model: "mock-1" }));
        expect(error.code).toBe("authentication");
        expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
      } finally {
        await client.close();
      }
    }
    expect(remote.mock.calls).toHaveLength(0);
  });

  it("never shows in util.inspect of the client, nor in its errors", async () => {
    expect(inspect(remote.client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(remote.client)).not.toContain(TOKEN);
    remote.mock.failNext("chat", new RatatoskrError({ code: "provider", message: "broken" }));
    const error = await failure(remote.client.chat(messages, { model: "mock-1", retry: false }));
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN);
  });
});
