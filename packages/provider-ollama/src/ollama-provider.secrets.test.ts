import { fileURLToPath } from "node:url";
import { Message } from "@ratatoskr/core";
import {
  BAD_BASE_URLS,
  chatRequestFor,
  expectBaseURLRejected,
  expectNoSecret,
  type LoopbackServer,
  printedFailure,
  startKeyEchoServer,
} from "@ratatoskr/testing";
import { drain, failure } from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { embedRequest } from "./ollama-fixtures.test-helpers.ts";
import { createOllama } from "./ollama-provider.ts";

/** Sent to an authenticating proxy; shaped like no real key, so only redaction hides it. */
const CANARY = "canary-ollama-0123456789-abcdefghijk";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const messages = [Message.user("Hi")];
const model = "llama3.2:3b";

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("an upstream that echoes the key in its 401 body, message, status line and a header", () => {
  it("the key is in no rendering of the error, cause chain included (chat, stream, embed)", async () => {
    const provider = createOllama({ baseURL: server.url, apiKey: CANARY });
    for (const call of [
      () => provider.chat.complete(chatRequestFor(messages, { model })),
      () => drain(provider.chat.stream(chatRequestFor(messages, { model }))),
      () => provider.embedding.embed(embedRequest(["Hi"], "nomic-embed-text")),
      () => provider.embedding.embed(embedRequest(["a", "b"], "nomic-embed-text")),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("authentication");
      expectNoSecret(error, CANARY);
    }
    expect(server.requests.at(-1)?.url).toBe("/api/embed");
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("console.error(error) in a real process prints no key (chat and embed)", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { createOllama } from "@ratatoskr/provider-ollama";',
        call: `(async () => {
          const ollama = createOllama({ baseURL: process.env.ECHO_URL, apiKey: process.env.CANARY });
          try {
            await ollama.chat.complete({ model: "llama3.2:3b", messages: [{ role: "user", content: "Hi" }], settings: {}, providerOptions: {}, signal: new AbortController().signal });
          } catch (error) {
            console.error(error);
          }
          await ollama.embedding.embed({ model: "nomic-embed-text", values: ["Hi"], providerOptions: {}, signal: new AbortController().signal });
        })()`,
      },
      { cwd: packageRoot, env: { ECHO_URL: server.url, CANARY } },
    );
    // chat: console.error; embed: console.error and console.log
    expect(`${stdout}\n${stderr}`.match(/code: 'authentication'/g)).toHaveLength(3);
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
  });
});

describe("a key that a cut would split", () => {
  // Key minus its last character, and half a key, right where the message and body are cut.
  it.each([CANARY.length - 1, CANARY.length / 2])(
    "embed: a plain-text error body cut at 200 characters leaves no piece of it (%i characters before the cut)",
    async (before) => {
      const echo = await startKeyEchoServer({
        contentType: "text/plain",
        body: (credential) => `${"x".repeat(200 - before)}${credential} rejected`,
      });
      try {
        const provider = createOllama({ baseURL: echo.url, apiKey: CANARY });
        const error = await failure(
          provider.embedding.embed(embedRequest(["Hi"], "nomic-embed-text")),
        );
        expect(error.code).toBe("authentication");
        expect(error.message).toContain("xxxx");
        expectNoSecret(error, CANARY);
      } finally {
        await echo.close();
      }
    },
  );

  it("embed: a malformed answer cut at 1000 characters for the error body leaves no piece of it", async () => {
    const prefix = '{"embeddings":[],"note":"';
    const echo = await startKeyEchoServer({
      status: 200,
      body: (credential) =>
        `${prefix}${"x".repeat(1000 - prefix.length - (credential.length - 1))}${credential}"}`,
    });
    try {
      const provider = createOllama({ baseURL: echo.url, apiKey: CANARY });
      const error = await failure(
        provider.embedding.embed(embedRequest(["Hi"], "nomic-embed-text")),
      );
      expect(error.code).toBe("data");
      expect(error.body?.length).toBeGreaterThan(900);
      expectNoSecret(error, CANARY);
    } finally {
      await echo.close();
    }
  });
});

describe("base URL", () => {
  // A bare host (`api.example.com/v1`) is a valid OLLAMA_HOST-style address.
  const cases = BAD_BASE_URLS.filter((bad) => bad.title !== "no scheme");

  it("is refused at creation with credentials, unparsable or not http(s), without echoing credentials", () => {
    expectBaseURLRejected((baseURL) => createOllama({ baseURL }), "baseURL", cases);
    expectBaseURLRejected(
      (baseURL) => {
        vi.stubEnv("OLLAMA_HOST", baseURL);
        return createOllama();
      },
      "OLLAMA_HOST",
      cases,
    );
    expectBaseURLRejected((baseURL) => createOllama({ baseURL }), "baseURL", [
      {
        title: "user:password@ without a scheme (OLLAMA_HOST style)",
        url: "someone-user:hunter2-password@gpu-box:11434",
        hidden: ["someone-user", "hunter2-password"],
      },
    ]);
  });
});
