/**
 * Test helpers: a real loopback `http` server running the handler over a
 * gateway, and the official `openai` SDK pointed at it (no retries, so a
 * status is seen once).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  abortedError,
  type ChatStreamPartV1,
  type ModelGateway,
  type ProviderV1,
} from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import OpenAI from "openai";
import { afterEach } from "vitest";
import { createOpenAIHttpHandler, type OpenAIHttpHandlerOptions } from "./index.ts";

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A served gateway: its base URL (`…/v1`) and an SDK client for it. */
export interface Served {
  readonly baseURL: string;
  readonly client: OpenAI;
  /** An SDK client with another API key (for the auth tests). */
  clientWithKey(apiKey: string): OpenAI;
}

/** Serve `gateway` on an ephemeral loopback port; the server closes after the test. */
export async function serve(
  gateway: ModelGateway,
  options: OpenAIHttpHandlerOptions = {},
): Promise<Served> {
  const server = createServer(createOpenAIHttpHandler(gateway, options));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const clientWithKey = (apiKey: string): OpenAI => new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  return { baseURL, client: clientWithKey(options.token ?? "unused"), clientWithKey };
}

/** A gateway over a fresh mock provider (id `mock`), served; the gateway makes one attempt per call. */
export async function serveMock(
  options: OpenAIHttpHandlerOptions = {},
  mockOptions: Parameters<typeof createMockProvider>[0] = {},
): Promise<Served & { mock: MockProvider }> {
  const mock = createMockProvider({ id: "mock", ...mockOptions });
  const gateway = await Ratatoskr.builder().use(mock).retry(false).build();
  return { ...(await serve(gateway, options)), mock };
}

/** A provider whose chat calls hang until aborted, reporting each call and each abort it sees. */
export interface HangingProvider {
  readonly provider: ProviderV1;
  /** Resolves when a call reached the provider. */
  readonly called: Promise<void>;
  /** Resolves with the abort reason when the provider's signal aborts. */
  readonly aborted: Promise<unknown>;
}

/**
 * A chat provider that streams `first` (if any), then waits for its signal to
 * abort; its complete call waits likewise.
 */
export function hangingProvider(first: ChatStreamPartV1[] = []): HangingProvider {
  let onCalled: () => void = () => undefined;
  let onAborted: (reason: unknown) => void = () => undefined;
  const called = new Promise<void>((resolve) => {
    onCalled = resolve;
  });
  const aborted = new Promise<unknown>((resolve) => {
    onAborted = resolve;
  });
  const hang = (signal: AbortSignal): Promise<never> =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => {
        onAborted(signal.reason);
        reject(abortedError(signal));
      });
    });
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id: "hanging",
    chat: {
      async complete(request) {
        onCalled();
        return hang(request.signal);
      },
      async *stream(request) {
        onCalled();
        yield* first;
        await hang(request.signal);
      },
    },
  };
  return { provider, called, aborted };
}
