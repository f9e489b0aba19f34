import { RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from "openai";
import { describe, expect, it } from "vitest";
import { createOpenAIHttpHandler } from "./index.ts";
import { hangingProvider, serve, serveMock } from "./openai-http.test-helpers.ts";

const hello = [{ role: "user" as const, content: "hello" }];

async function postRaw(baseURL: string, path: string, body: string, headers = {}) {
  const response = await fetch(`${baseURL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

describe("errors", () => {
  it("answers invalid JSON with 400 and OpenAI's error body", async () => {
    const { baseURL } = await serveMock();
    const { status, json } = await postRaw(baseURL, "/chat/completions", "{not json");
    expect(status).toBe(400);
    expect(json).toEqual({
      error: {
        message: "body is not valid JSON",
        type: "invalid_request_error",
        param: "body",
        code: "invalid_input",
      },
    });
  });

  it("answers a field of the wrong type with 400 naming the field (SDK BadRequestError)", async () => {
    const { client, mock } = await serveMock();
    const error = await client.chat.completions
      .create({ model: "mock:m", messages: hello, temperature: "hot" as never })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(BadRequestError);
    const bad = error as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('temperature must be a number, not "hot"');
    expect(bad.param).toBe("temperature");
    expect(bad.code).toBe("invalid_input");
    expect(mock.calls).toHaveLength(0);
  });

  it("answers bad messages, roles and tool choices with typed messages", async () => {
    const { client } = await serveMock();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: [] }, "messages must be a non-empty array"],
      [{ messages: [{ role: "wizard", content: "x" }] }, "messages[0].role must be"],
      [
        { messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] },
        'messages[0].content[0].type is not supported: "image_url"',
      ],
      [{ messages: hello, tool_choice: "maybe" }, "tool_choice must be"],
      [{ messages: hello, stop: [1] }, "stop[0] must be a string, not 1"],
      [{ messages: hello, reasoning_effort: "huge" }, 'reasoning_effort must be one of "minimal"'],
      [{ messages: hello, max_tokens: 1.5 }, "max_tokens must be an integer, not 1.5"],
    ];
    for (const [body, message] of cases) {
      const error = await client.chat.completions
        .create({ model: "mock:m", ...body } as never)
        .catch((failure: unknown) => failure);
      expect(error, message).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).message).toContain(message);
    }
  });

  it("answers a model no provider serves with 404 (SDK NotFoundError)", async () => {
    const { client } = await serveMock(
      {},
      { supports: (_capability, model) => model !== "missing" },
    );
    const error = await client.chat.completions
      .create({ model: "missing", messages: hello })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toMatchObject({ type: "not_found_error" });
  });

  it("answers the gateway's rate_limited error with 429 and retry-after (SDK RateLimitError)", async () => {
    const { client, mock } = await serveMock();
    mock.failNext(
      "chat",
      new RatatoskrError({ code: "rate_limited", message: "slow down", retryAfterMs: 2500 }),
    );
    const error = await client.chat.completions
      .create({ model: "mock:m", messages: hello }, { maxRetries: 0 })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toContain("slow down");
    expect((error as RateLimitError).headers?.get("retry-after")).toBe("3");
  });

  it("answers a failure that is not a RatatoskrError with a bare 500: no stack, no key", async () => {
    const heard: unknown[] = [];
    const broken = {
      listModels: async () => {
        throw new TypeError("boom at secret sk-live-0123456789abcdef");
      },
    };
    const { baseURL } = await serve(broken as never, {
      onInternalError: (error) => heard.push(error),
    });
    const response = await fetch(`${baseURL}/models`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        message: "Internal server error",
        type: "server_error",
        param: null,
        code: "internal",
      },
    });
    expect(text).not.toContain("sk-live");
    expect(text).not.toContain("at ");
    expect(heard).toHaveLength(1);
  });

  it("keeps provider keys out of error answers", async () => {
    // Key-shaped (so pattern redaction applies) but built here: no key literal in the source.
    const key = ["sk", "or", "v1", "canary".repeat(6)].join("-");
    const { baseURL, mock } = await serveMock();
    mock.failNext(
      "chat",
      new RatatoskrError({
        code: "authentication",
        message: `Invalid key ${key}`,
        body: `{"error":"bad key ${key}"}`,
      }),
    );
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "mock:m", messages: hello }),
    });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).not.toContain(key.slice(0, 16));
    expect(text).not.toContain(key.slice(-16));
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    const { baseURL } = await serveMock();
    const unknown = await fetch(`${baseURL}/assistants`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
    const wrong = await fetch(`${baseURL}/models`, { method: "POST", body: "{}" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });
});

describe("limits and authentication", () => {
  it("requires the bearer token when one is set (SDK AuthenticationError otherwise)", async () => {
    const { client, clientWithKey } = await serveMock({ token: "s3cret-token" });
    const ok = await client.chat.completions.create({ model: "mock:m", messages: hello });
    expect(ok.choices[0]?.message.content).toBe("mock: hello");
    const error = await clientWithKey("wrong-token")
      .chat.completions.create({ model: "mock:m", messages: hello })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain("A valid bearer token is required");
    expect(JSON.stringify((error as AuthenticationError).error)).not.toContain("wrong-token");
    const prefix = await clientWithKey("s3cret-token-and-more")
      .models.list()
      .catch((failure: unknown) => failure);
    expect(prefix).toBeInstanceOf(AuthenticationError);
  });

  it("answers a body over the size limit with 413 without calling the gateway", async () => {
    const { client, mock } = await serveMock({ maxBodyBytes: 1024 });
    const error = await client.chat.completions
      .create({ model: "mock:m", messages: [{ role: "user", content: "x".repeat(4096) }] })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(413);
    expect((error as APIError).message).toContain("larger than 1024 bytes");
    expect(mock.calls).toHaveLength(0);
    const small = await client.chat.completions.create({ model: "mock:m", messages: hello });
    expect(small.choices[0]?.message.content).toBe("mock: hello");
  });

  it("answers requests over the concurrency limit with 429 and retry-after", async () => {
    const hanging = hangingProvider();
    const gateway = await Ratatoskr.builder().use(hanging.provider).build();
    const { client } = await serve(gateway, { maxConcurrentRequests: 1, retryAfterSeconds: 2 });
    const controller = new AbortController();
    const first = client.chat.completions
      .create({ model: "m", messages: hello }, { signal: controller.signal })
      .catch((failure: unknown) => failure);
    await hanging.called;
    const second = await client.models.list().catch((failure: unknown) => failure);
    expect(second).toBeInstanceOf(RateLimitError);
    expect((second as RateLimitError).headers?.get("retry-after")).toBe("2");
    controller.abort();
    await first;
    await hanging.aborted;
    // The place is given back once the first request is gone.
    await expect
      .poll(() =>
        client.models.list().then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
  });

  it("refuses bad options when the handler is created", async () => {
    const gateway = await Ratatoskr.builder().use(createMockProvider()).build();
    expect(() => createOpenAIHttpHandler(gateway, { token: "" })).toThrow(
      /token must not be empty/,
    );
    expect(() => createOpenAIHttpHandler(gateway, { maxBodyBytes: 0 })).toThrow(
      /maxBodyBytes must be a positive integer/,
    );
  });
});

describe("client disconnect", () => {
  it("aborts the upstream call of a complete request", async () => {
    const hanging = hangingProvider();
    const gateway = await Ratatoskr.builder().use(hanging.provider).build();
    const { client } = await serve(gateway);
    const controller = new AbortController();
    const request = client.chat.completions
      .create({ model: "m", messages: hello }, { signal: controller.signal })
      .catch((failure: unknown) => failure);
    await hanging.called;
    controller.abort();
    await request;
    await expect(hanging.aborted).resolves.toBeDefined();
  });

  it("aborts the upstream stream when the client leaves mid-stream", async () => {
    const hanging = hangingProvider([{ type: "content", text: "first words" }]);
    const gateway = await Ratatoskr.builder().use(hanging.provider).build();
    const { client } = await serve(gateway);
    const stream = await client.chat.completions.create({
      model: "m",
      messages: hello,
      stream: true,
    });
    const seen: string[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content ?? "");
      if (seen.join("") === "first words") break; // leaving the loop closes the connection
    }
    expect(seen.join("")).toBe("first words");
    await expect(hanging.aborted).resolves.toBeDefined();
  });
});
