/**
 * Error mapping in detail, bad settings and options, and the key-echo
 * check: LineChat's fake server echoes the rejected Authorization header in
 * its 401, and the key must appear in no rendering of the error.
 */
import { inspect } from "node:util";
import { type ChatRequestV1, Message, RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLineChat, LINECHAT_API_KEY_VARIABLE } from "../src/index.ts";
import { type LineChatFakeServer, startLineChatServer } from "../src/linechat-fake-server.ts";

/** Canaries, not shaped like any vendor's key. */
const KEY = "test-canary-3f9a2c71-key";
const WRONG_KEY = "test-canary-b81e04d6-wrong";

let server: LineChatFakeServer;
beforeAll(async () => {
  server = await startLineChatServer({ apiKey: KEY });
});
afterAll(async () => {
  await server.close();
});

const request = (overrides: Partial<ChatRequestV1> = {}): ChatRequestV1 => ({
  model: "line-1",
  messages: [Message.user("hello")],
  settings: {},
  providerOptions: {},
  signal: new AbortController().signal,
  ...overrides,
});

async function failure(
  promise: Promise<unknown> | AsyncIterable<unknown>,
): Promise<RatatoskrError> {
  try {
    if (Symbol.asyncIterator in promise) for await (const _ of promise);
    else await promise;
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `a RatatoskrError, got ${String(error)}`).toBe(true);
    return error as RatatoskrError;
  }
  throw new Error("expected a failure");
}

describe("LineChat key echo", () => {
  for (const method of ["complete", "stream"] as const) {
    it(`a 401 that echoes the key leaks it nowhere (${method})`, async () => {
      const provider = createLineChat({ apiKey: WRONG_KEY, baseURL: server.url });
      const before = server.requests.length;
      const error = await failure(provider.chat![method]!(request()));
      // The key did reach the server, and came back in the body.
      expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
      expect(server.requests.length).toBe(before + 1);
      expect(error.code).toBe("authentication");
      expect(error.status).toBe(401);
      for (const text of [
        inspect(error, { depth: Number.POSITIVE_INFINITY }),
        inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        String(error),
        error.stack ?? "",
        JSON.stringify(error),
        error.body ?? "",
      ]) {
        expect(text).not.toContain(WRONG_KEY);
      }
      expectNoSecret(error, WRONG_KEY);
    });
  }

  it("a key passed as an Authorization header is redacted the same way", async () => {
    const header = "test-canary-7d20c5ee-header";
    const provider = createLineChat({
      apiKey: "unused-canary-1",
      baseURL: server.url,
      headers: { Authorization: `Bearer ${header}` },
    });
    const error = await failure(provider.chat!.complete!(request()));
    // One Authorization header, the configured one, replaced the key's.
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${header}`);
    expect(error.code).toBe("authentication");
    expectNoSecret(error, header);
  });

  it("the provider object does not show its key", () => {
    const provider = createLineChat({ apiKey: KEY, baseURL: server.url });
    expect(inspect(provider, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
      KEY,
    );
    expect(JSON.stringify(provider)).not.toContain(KEY);
  });
});

describe("LineChat error mapping", () => {
  const provider = () => createLineChat({ apiKey: KEY, baseURL: server.url });

  it("429 is rate_limited, retryable, with the server's retry-after", async () => {
    server.failNext({
      status: 429,
      error: { type: "rate_limited", message: "Slow down" },
      headers: { "retry-after": "7" },
    });
    const error = await failure(provider().chat!.complete!(request()));
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(7000);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain("Slow down");
  });

  it("400 invalid_request is invalid_input; a 5xx provider and retryable", async () => {
    server.failNext({ status: 400, error: { type: "invalid_request", message: "bad stop" } });
    expect((await failure(provider().chat!.complete!(request()))).code).toBe("invalid_input");
    server.failNext({ status: 502, raw: "<html>Bad gateway</html>", contentType: "text/html" });
    const error = await failure(provider().chat!.stream!(request()));
    expect(error.code).toBe("provider");
    expect(error.isRetryable).toBe(true);
  });

  it("an unknown model is model_not_found", async () => {
    const error = await failure(provider().chat!.complete!(request({ model: "line-embed-1" })));
    expect(error.code).toBe("model_not_found");
  });

  it("keeps a bounded excerpt of a huge error body", async () => {
    server.failNext({
      status: 500,
      error: { type: "overloaded", message: "x".repeat(2_000_000) },
    });
    const error = await failure(provider().chat!.complete!(request()));
    expect(error.code).toBe("provider");
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.body!.length).toBeLessThanOrEqual(4096);
  });

  it("an answer that is not JSON is a data error naming what was expected", async () => {
    server.failNext({ raw: "<html>maintenance</html>", contentType: "text/html" });
    const error = await failure(provider().chat!.complete!(request()));
    expect(error.code).toBe("data");
    expect(error.message).toMatch(/not a LineChat chat answer/);
  });

  it("a stream line of unknown shape is a stream error, after the parts before it", async () => {
    server.failNext({
      contentType: "application/x-ndjson",
      raw: '{"type":"start","id":"r","model":"line-1"}\n{"type":"text","text":"Hi"}\n{"type":"mystery"}\n',
    });
    const parts: unknown[] = [];
    const error = await failure(
      (async function* () {
        for await (const part of provider().chat!.stream!(request())) {
          parts.push(part);
          yield part;
        }
      })(),
    );
    expect(error.code).toBe("stream");
    expect(error.message).toMatch(/unknown shape/);
    expect(parts).toContainEqual({ type: "content", text: "Hi" });
  });

  it("a refused connection is a retryable network error", async () => {
    const closed = await startLineChatServer({ apiKey: KEY });
    await closed.close();
    const error = await failure(
      createLineChat({ apiKey: KEY, baseURL: closed.url }).chat!.complete!(request()),
    );
    expect(error.code).toBe("network");
    expect(error.isRetryable).toBe(true);
  });
});

describe("LineChat settings and options", () => {
  it("a missing key is an authentication error naming the variable", () => {
    const saved = process.env[LINECHAT_API_KEY_VARIABLE];
    delete process.env[LINECHAT_API_KEY_VARIABLE];
    try {
      expect(() => createLineChat({ baseURL: server.url })).toThrow(
        expect.objectContaining({
          code: "authentication",
          message: expect.stringContaining(LINECHAT_API_KEY_VARIABLE),
        }),
      );
    } finally {
      if (saved !== undefined) process.env[LINECHAT_API_KEY_VARIABLE] = saved;
    }
  });

  it("reads the key from LINECHAT_API_KEY when apiKey is not set", async () => {
    const saved = process.env[LINECHAT_API_KEY_VARIABLE];
    process.env[LINECHAT_API_KEY_VARIABLE] = KEY;
    try {
      const result = await createLineChat({ baseURL: server.url }).chat!.complete!(request());
      expect(result.content).toBe("You said: hello");
    } finally {
      if (saved === undefined) delete process.env[LINECHAT_API_KEY_VARIABLE];
      else process.env[LINECHAT_API_KEY_VARIABLE] = saved;
    }
  });

  it("a baseURL with credentials or another scheme is invalid_input naming the setting", () => {
    for (const baseURL of ["http://user:pa55word@127.0.0.1:1", "ftp://127.0.0.1", "not a url"]) {
      expect(() => createLineChat({ apiKey: KEY, baseURL })).toThrow(
        expect.objectContaining({
          code: "invalid_input",
          message: expect.stringContaining("baseURL"),
        }),
      );
    }
  });

  it("a provider option of the wrong type is invalid_input naming it, and nothing is sent", async () => {
    const before = server.requests.length;
    const provider = createLineChat({ apiKey: KEY, baseURL: server.url });
    const error = await failure(
      provider.chat!.stream!(request({ providerOptions: { safeMode: "yes" } })),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("providerOptions.linechat.safeMode");
    expect(server.requests.length).toBe(before);
  });

  it("known options are sent under their wire names; unknown ones warn and are not sent", async () => {
    const provider = createLineChat({ apiKey: KEY, baseURL: server.url });
    const result = await provider.chat!.complete!(
      request({ providerOptions: { safeMode: true, user: "u-42", transforms: ["x"] } }),
    );
    const body = JSON.parse(server.requests.at(-1)!.body);
    expect(body).toMatchObject({ safe_mode: true, user: "u-42" });
    expect(body).not.toHaveProperty("transforms");
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ type: "unknown_provider_option", option: "transforms" }),
    );
  });

  it("the service's notices are warnings on the result and stream parts", async () => {
    const provider = createLineChat({ apiKey: KEY, baseURL: server.url });
    const notice = { type: "other", message: "temperature 2 clamped to 1.5" };
    const result = await provider.chat!.complete!(request({ settings: { temperature: 2 } }));
    expect(result.warnings).toEqual([notice]);
    const parts = [];
    for await (const part of provider.chat!.stream!(request({ settings: { temperature: 2 } }))) {
      parts.push(part);
    }
    expect(parts).toContainEqual({ type: "warning", warning: notice });
    expect(provider.chat!.warningsFor!(request({ settings: { temperature: 2 } }))).toEqual([]);
  });
});
