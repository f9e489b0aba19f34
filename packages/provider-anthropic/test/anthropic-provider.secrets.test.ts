import { fileURLToPath } from "node:url";
import { Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  credentialOf,
  expectBaseURLRejected,
  expectNoSecret,
  type LoopbackServer,
  printedFailure,
  startKeyEchoServer,
} from "@ratatoskr/testing";
import { drain, failure } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAnthropic } from "../src/anthropic-provider.ts";
import { startAnthropicMock } from "./anthropic-mock-server.ts";

/** Registered as the provider's key; shaped like no real key, so only redaction hides it. */
const CANARY = "canary-anthropic-0123456789-abcdefgh";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const messages = [Message.user("Hi")];
const model = "claude-sonnet-4-5";

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());

describe("an upstream that echoes the key in its 401 body, message, status line and a header", () => {
  it("the key is in no rendering of the error, cause chain included (chat, stream, token count)", async () => {
    const provider = createAnthropic({ apiKey: CANARY, baseURL: server.url });
    for (const call of [
      () => provider.chat.complete(chatRequestFor(messages, { model })),
      () => drain(provider.chat.stream(chatRequestFor(messages, { model }))),
      () =>
        provider.tokenCounting.countTokens({
          model,
          text: "Hi",
          providerOptions: {},
          signal: new AbortController().signal,
        }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("authentication");
      expect(error.cause).toMatchObject({ status: 401 }); // the SDK error, as a safe copy
      expectNoSecret(error, CANARY);
    }
    // The key did reach the server (the SDK sends it as x-api-key or a bearer token), which echoed it.
    expect(credentialOf(server.requests.at(-1)!)).toBe(CANARY);
  });

  it("console.error(error) in a real process prints no key", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { createAnthropic } from "@ratatoskr/provider-anthropic";',
        call: `createAnthropic({ apiKey: process.env.CANARY, baseURL: process.env.ECHO_URL })
          .chat.complete({
            model: "claude-sonnet-4-5",
            messages: [{ role: "user", content: "Hi" }],
            settings: {},
            providerOptions: {},
            signal: new AbortController().signal,
          })`,
      },
      { cwd: packageRoot, env: { ECHO_URL: server.url, CANARY } },
    );
    expect(stderr).toContain("code: 'authentication'");
    expect(stderr).toContain("[cause]");
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
  });
});

describe("credentials in provider options", () => {
  it("an MCP server's authorization_token echoed by the API is in no rendering of the error", async () => {
    const token = "canary-mcp-token-0123456789-abcdef";
    const mock = await startAnthropicMock();
    try {
      mock.enqueue({
        status: 400,
        json: {
          type: "error",
          error: { type: "invalid_request_error", message: `bad MCP server token ${token}` },
        },
      });
      const provider = createAnthropic({ apiKey: CANARY, baseURL: mock.url });
      const mcpServers = [
        {
          type: "url",
          url: "https://mcp.example.com/sse",
          name: "example",
          authorization_token: token,
        },
      ];
      const error = await failure(
        provider.chat.complete(
          chatRequestFor(messages, { model, providerOptions: { mcpServers } }),
        ),
      );
      expect(error.code).toBe("invalid_input");
      expect(mock.body().mcp_servers).toEqual(mcpServers); // it was sent, to the API only
      expectNoSecret(error, token);
    } finally {
      await mock.close();
    }
  });
});

describe("base URL", () => {
  it("is refused at creation with credentials, unparsable or not http(s), without echoing credentials", () => {
    expectBaseURLRejected((baseURL) => createAnthropic({ apiKey: CANARY, baseURL }), "baseURL");
  });

  it("ANTHROPIC_BASE_URL is checked the same way when no baseURL is set", () => {
    expectBaseURLRejected((baseURL) => {
      vi.stubEnv("ANTHROPIC_BASE_URL", baseURL);
      return createAnthropic({ apiKey: CANARY });
    }, "ANTHROPIC_BASE_URL");
    vi.stubEnv("ANTHROPIC_BASE_URL", "https://proxy.example.com/");
    expect(() => createAnthropic({ apiKey: CANARY })).not.toThrow();
    vi.unstubAllEnvs();
  });
});
