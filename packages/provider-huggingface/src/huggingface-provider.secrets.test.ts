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
import { hf as calls } from "./huggingface-calls.test-helpers.ts";
import {
  EMBEDDING_MODEL,
  NLI_MODEL,
  ZERO_SHOT_MODEL,
} from "./huggingface-fixtures.test-helpers.ts";
import { createHuggingFace } from "./huggingface-provider.ts";

/** Registered as the provider's token; shaped like no real token, so only redaction hides it. */
const CANARY = "canary-huggingface-0123456789-abcdef";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const messages = [Message.user("Hi")];

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());

describe("an upstream that echoes the token in its 401 body, message, status line and a header", () => {
  it("the token is in no rendering of the error (embed, NLI, zero-shot, chat, an endpoint)", async () => {
    const hf = calls({
      apiKey: CANARY,
      baseURL: server.url,
      chatBaseURL: `${server.url}/v1`,
    });
    const endpoint = calls({ apiKey: CANARY, endpointUrl: `${server.url}/endpoint` });
    const chatRequest = () =>
      chatRequestFor(messages, { model: "meta-llama/Llama-3.1-8B-Instruct" });
    for (const call of [
      () => hf.embed("Hi", EMBEDDING_MODEL),
      () => hf.inferNli("A man eats.", "Someone eats.", NLI_MODEL),
      () => hf.classifyZeroShot("I love it", ["positive", "negative"], ZERO_SHOT_MODEL),
      () => hf.provider.chat!.complete(chatRequest()),
      () => drain(hf.provider.chat!.stream(chatRequest())),
      () => endpoint.embedBatch(["a", "b"], EMBEDDING_MODEL),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe("authentication");
      expectNoSecret(error, CANARY);
    }
    expect(server.requests.at(-1)?.url).toBe("/endpoint");
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("console.error(error) in a real process prints no token", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { createHuggingFace } from "@ratatoskr/provider-huggingface";',
        call: `createHuggingFace({ apiKey: process.env.CANARY, baseURL: process.env.ECHO_URL })
          .embedding.embed({
            model: "sentence-transformers/all-MiniLM-L6-v2",
            values: ["Hi"],
            providerOptions: {},
            signal: new AbortController().signal,
          })`,
      },
      { cwd: packageRoot, env: { ECHO_URL: server.url, CANARY } },
    );
    expect(stderr).toContain("code: 'authentication'");
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
  });
});

describe("a token that a cut would split", () => {
  // Token minus its last character, and half a token, right where the message is cut.
  it.each([CANARY.length - 1, CANARY.length / 2])(
    "a plain-text error body cut at 300 characters for the message leaves no piece of it (%i characters before the cut)",
    async (before) => {
      const echo = await startKeyEchoServer({
        contentType: "text/plain",
        body: (credential) => `${"x".repeat(300 - before)}${credential} rejected`,
      });
      try {
        const hf = calls({ apiKey: CANARY, baseURL: echo.url });
        const error = await failure(hf.embed("Hi", EMBEDDING_MODEL));
        expect(error.code).toBe("authentication");
        expect(error.message).toContain("xxxx");
        expectNoSecret(error, CANARY);
      } finally {
        await echo.close();
      }
    },
  );
});

describe("base URLs", () => {
  it("baseURL, endpointUrl and chatBaseURL are refused at creation with credentials, unparsable or not http(s)", () => {
    expectBaseURLRejected((baseURL) => createHuggingFace({ apiKey: CANARY, baseURL }), "baseURL");
    expectBaseURLRejected(
      (endpointUrl) => createHuggingFace({ apiKey: CANARY, endpointUrl }),
      "endpointUrl",
    );
    expectBaseURLRejected(
      (chatBaseURL) => createHuggingFace({ apiKey: CANARY, chatBaseURL }),
      "chatBaseURL",
    );
  });
});
