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
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { createOpenAI } from "./openai-provider.ts";

/** Registered as the provider's key; shaped like no real key, so only redaction hides it. */
const CANARY = "canary-openai-compat-0123456789-abcdef";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const messages = [Message.user("Hi")];

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());

describe("an upstream that echoes the key in its 401 body, message, status line and a header", () => {
  it.each([
    [
      "openai-compatible",
      () => createOpenAICompatible({ id: "compat", baseURL: `${server.url}/v1`, apiKey: CANARY }),
    ],
    ["openai", () => createOpenAI({ apiKey: CANARY, baseURL: `${server.url}/v1` })],
  ])("%s: the key is in no rendering of the error, cause chain included", async (_name, create) => {
    const provider = create();
    for (const call of [
      () => provider.chat.complete(chatRequestFor(messages, { model: "gpt-4o-mini" })),
      () => drain(provider.chat.stream(chatRequestFor(messages, { model: "gpt-4o-mini" }))),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("authentication");
      expect(error.cause).toMatchObject({ status: 401 }); // the SDK error, as a safe copy
      expectNoSecret(error, CANARY);
    }
    // The key did reach the server, which echoed it.
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("a key given as an Authorization header instead of apiKey is redacted the same way", async () => {
    const headerKey = "canary-header-key-0123456789-abcdefg";
    const provider = createOpenAICompatible({
      id: "compat",
      baseURL: `${server.url}/v1`,
      headers: { Authorization: `Bearer ${headerKey}` },
    });
    const error = await failure(
      provider.chat.complete(chatRequestFor(messages, { model: "gpt-4o-mini" })),
    );
    expect(error.code).toBe("authentication");
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${headerKey}`);
    expectNoSecret(error, headerKey);
  });

  it("console.error(error) in a real process prints no key", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";',
        call: `createOpenAICompatible({ id: "compat", baseURL: process.env.ECHO_URL, apiKey: process.env.CANARY })
          .chat.complete({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], settings: {}, providerOptions: {}, signal: new AbortController().signal })`,
      },
      { cwd: packageRoot, env: { ECHO_URL: `${server.url}/v1`, CANARY } },
    );
    expect(stderr).toContain("code: 'authentication'"); // the error and…
    expect(stderr).toContain("[cause]"); // …its cause were printed, …
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` }); // …without the key
  });
});

describe("base URL", () => {
  it("is refused at creation with credentials, unparsable or not http(s), without echoing credentials", () => {
    expectBaseURLRejected(
      (baseURL) => createOpenAICompatible({ id: "compat", baseURL, apiKey: CANARY }),
      "baseURL",
    );
    expectBaseURLRejected((baseURL) => createOpenAI({ apiKey: CANARY, baseURL }), "baseURL");
  });
});
