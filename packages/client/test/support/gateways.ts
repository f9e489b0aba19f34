/**
 * The gateways the client's tests compare: an embedded `Gateway` over the
 * mock provider, and the same built a second time behind a real `ratd`
 * (`startRatd` of `@ratatoskr/server`, on a free loopback port) with a
 * `ServiceClient` pointed at it.
 */
import { type Gateway, Ratatoskr } from "@ratatoskr/gateway";
import { startRatd } from "@ratatoskr/server";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import {
  createServiceClient,
  type ServiceClient,
  type ServiceClientOptions,
} from "../../src/index.ts";

/** A listed mock model with a context window, for the model-information calls. */
export const LISTED_MODEL = "mock-listed";

/** Models under this prefix are served by no provider (`no_provider`). */
export const UNSERVED_PREFIX = "unserved/";

/** A mock provider with a model catalog, serving every model but the unserved ones. */
export function mockProvider(): MockProvider {
  return createMockProvider({
    supports: (_capability, model) =>
      model.startsWith(UNSERVED_PREFIX) ? { supported: false, reason: "unserved" } : true,
    models: { list: [{ id: LISTED_MODEL, context_window: 8192 }] },
  });
}

/** An embedded gateway over a fresh mock. */
export async function embeddedGateway(mock: MockProvider = mockProvider()): Promise<Gateway> {
  return Ratatoskr.builder().use(mock).build();
}

/** A remote setup: the server's gateway and mock, the daemon, and a client pointed at it. */
export interface RemoteSetup {
  mock: MockProvider;
  gateway: Gateway;
  server: { url: string };
  client: ServiceClient;
  close(): Promise<void>;
}

/** Serve a fresh gateway over a fresh mock, and a client for it. */
export async function remoteSetup(
  options: ServiceClientOptions & { serverToken?: string } = {},
): Promise<RemoteSetup> {
  const { serverToken, ...clientOptions } = options;
  const mock = mockProvider();
  const gateway = await embeddedGateway(mock);
  const server = await startRatd({
    gateway,
    port: 0,
    ...(serverToken === undefined ? {} : { token: serverToken }),
  });
  const client = createServiceClient(server.url, clientOptions);
  return {
    mock,
    gateway,
    server,
    client,
    close: async () => {
      await client.close();
      await server.close({ graceMs: 0 });
    },
  };
}
