import { fileURLToPath } from "node:url";
import { Message } from "@ratatoskr/core";
import {
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
      () => provider.chat(messages, { model }),
      () => drain(provider.chatStream(messages, { model })),
      () => provider.countTokens("Hi", model),
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
          .chat([{ role: "user", content: "Hi" }], { model: "claude-sonnet-4-5" })`,
      },
      { cwd: packageRoot, env: { ECHO_URL: server.url, CANARY } },
    );
    expect(stderr).toContain("code: 'authentication'");
    expect(stderr).toContain("[cause]");
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
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
