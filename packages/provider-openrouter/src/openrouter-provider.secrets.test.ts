import { fileURLToPath } from "node:url";
import { Message } from "@ratatoskr/core";
import {
  chatRequestFor,
  expectBaseURLRejected,
  expectNoSecret,
  type LoopbackServer,
  printedFailure,
  startKeyEchoServer,
} from "@ratatoskr/testing";
import { drain, failure } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenRouter } from "./openrouter-provider.ts";

/** Registered as the provider's key; shaped like no real key, so only redaction hides it. */
const CANARY = "canary-openrouter-0123456789-abcdefg";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const messages = [Message.user("Hi")];
const model = "anthropic/claude-sonnet-4";

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());

describe("an upstream that echoes the key in its 401 body, message, status line and a header", () => {
  it("the key is in no rendering of the error, cause chain included", async () => {
    const provider = createOpenRouter({ apiKey: CANARY, baseURL: `${server.url}/api/v1` });
    for (const call of [
      () => provider.chat.complete(chatRequestFor(messages, { model })),
      () => drain(provider.chat.stream(chatRequestFor(messages, { model }))),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("authentication");
      expect(error.cause).toMatchObject({ status: 401 });
      expectNoSecret(error, CANARY);
    }
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("console.error(error) in a real process prints no key", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { createOpenRouter } from "@ratatoskr/provider-openrouter";',
        call: `createOpenRouter({ apiKey: process.env.CANARY, baseURL: process.env.ECHO_URL })
          .chat.complete({ model: "anthropic/claude-sonnet-4", messages: [{ role: "user", content: "Hi" }], settings: {}, providerOptions: {}, signal: new AbortController().signal })`,
      },
      { cwd: packageRoot, env: { ECHO_URL: `${server.url}/api/v1`, CANARY } },
    );
    expect(stderr).toContain("code: 'authentication'");
    expect(stderr).toContain("[cause]");
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
  });
});

describe("base URL", () => {
  it("is refused at creation with credentials, unparsable or not http(s), without echoing credentials", () => {
    expectBaseURLRejected((baseURL) => createOpenRouter({ apiKey: CANARY, baseURL }), "baseURL");
  });
});
