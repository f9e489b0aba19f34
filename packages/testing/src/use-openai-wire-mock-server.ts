/**
 * The vitest lifecycle of an OpenAI-wire mock for one test file (part of the
 * `@ratatoskr/testing/conformance` entry, which may load vitest).
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { type OpenAIWireMockServer, startOpenAIWireMockServer } from "./openai-wire-mock-server.ts";

/**
 * One {@link OpenAIWireMockServer} for the calling test file: started before
 * its tests, `reset()` after each test (queued replies and recorded requests
 * dropped), closed after the file. The returned handle reads the running
 * mock, so it can be taken at module level.
 */
export function useOpenAIWireMockServer(): OpenAIWireMockServer {
  let server: OpenAIWireMockServer | undefined;
  const running = (): OpenAIWireMockServer => {
    if (server === undefined) throw new Error("the OpenAI-wire mock server runs only inside tests");
    return server;
  };
  beforeAll(async () => {
    server = await startOpenAIWireMockServer();
  });
  afterEach(() => {
    server?.reset();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      return running().url;
    },
    get requests() {
      return running().requests;
    },
    reply: (...replies) => running().reply(...replies),
    reset: () => running().reset(),
    openSockets: () => running().openSockets(),
    close: () => running().close(),
  };
}
