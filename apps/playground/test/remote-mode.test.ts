/**
 * Remote mode: with `RATATOSKR_URL` (and `RATATOSKR_TOKEN`) the playground
 * uses a running `ratd` (a real `startRatd` here, serving the mock
 * provider behind a bearer token) instead of an embedded gateway. Its API
 * answers through the daemon, `/api/status` says which mode it is in (never
 * the token), routes are the daemon's own decisions (the `Route` RPC: its
 * rule and explanation), degrading to the daemon's providers only for a
 * daemon without that RPC, and a wrong token or an absent daemon fails at
 * start with a typed error.
 */
import { type Gateway, Ratatoskr } from "@ratatoskr/gateway";
import { type Ratd, startRatd } from "@ratatoskr/server";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlaygroundGateway } from "../src/build-playground-gateway.ts";
import { type ChatStreamEvent, readChatStream } from "../src/client/api.ts";
import { connectRemoteGateway } from "../src/connect-remote-gateway.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";

// Built at run time: no token literal in the source.
const TOKEN = ["remote", "mode", "token", "0123456789"].join("-");
const HOST = { host: "127.0.0.1:4173" };
const post = (body: unknown) => ({
  method: "POST",
  headers: { ...HOST, "content-type": "application/json" },
  body: JSON.stringify(body),
});

function remoteConfig(url: string, token?: string): PlaygroundConfig {
  return loadPlaygroundConfig({
    env: {
      PORT: "0",
      RATATOSKR_URL: url,
      ...(token === undefined ? {} : { RATATOSKR_TOKEN: token }),
    },
    cwd: "/nonexistent",
  });
}

describe("the playground over a running ratd", () => {
  let mock: MockProvider;
  let served: Gateway;
  let ratd: Ratd;
  let built: PlaygroundGateway;
  let app: ReturnType<typeof createPlaygroundApp>;

  beforeAll(async () => {
    mock = createMockProvider();
    served = await Ratatoskr.builder().use(mock).build();
    ratd = await startRatd({ gateway: served, port: 0, token: TOKEN });
    const config = remoteConfig(ratd.url, TOKEN);
    built = await connectRemoteGateway(config);
    app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
  });
  afterAll(async () => {
    await built?.gateway.dispose();
    await ratd?.close({ graceMs: 0 });
  });

  it("/api/status: remote mode, the daemon's URL (not its token), its providers and capabilities", async () => {
    const response = await app.request("/api/status", { headers: HOST });
    const text = await response.text();
    expect(text).not.toContain(TOKEN);
    const status = JSON.parse(text) as {
      mode: string;
      remote: unknown;
      providers: unknown[];
      capabilities: Record<string, unknown>;
    };
    expect(status.mode).toBe("remote");
    expect(status.remote).toEqual({ url: ratd.url, token: true });
    expect(status.providers).toEqual([
      expect.objectContaining({ id: "mock", state: "ready", packageName: "(served by ratd)" }),
    ]);
    expect(status.capabilities["chat"]).toMatchObject({ available: true, providers: ["mock"] });
  });

  it("chat streams through the daemon, with the daemon's provider as the route", async () => {
    const before = mock.calls.length;
    const response = await app.request(
      "/api/chat",
      post({ messages: [{ role: "user", content: "tell me" }], model: "mock-1" }),
    );
    const events: ChatStreamEvent[] = [];
    await readChatStream(response.body!, (event) => events.push(event));
    // The daemon's own decision, over the Route RPC.
    const decision = served.route("chat", "mock-1");
    expect(events[0]).toEqual({
      type: "route",
      provider: "mock",
      rule: decision.rule,
      providerModel: "mock-1",
      explanation: decision.explanation,
    });
    expect(events.some((event) => event.type === "content")).toBe(true);
    expect(events.some((event) => event.type === "done")).toBe(true);
    expect(events.some((event) => event.type === "error")).toBe(false);
    // The daemon's mock answered: the playground holds no provider of its own.
    expect(mock.calls.length).toBeGreaterThan(before);
    expect(built.providers.size).toBe(0);
  });

  it("embeddings and tokens answer through the daemon (no token pieces in remote mode)", async () => {
    const embeddings = await app.request(
      "/api/embeddings",
      post({ texts: ["a", "b"], model: "mock-1" }),
    );
    expect(embeddings.status).toBe(200);
    const tokens = await app.request(
      "/api/tokens",
      post({ text: "two words", models: ["mock-1"] }),
    );
    const body = (await tokens.json()) as { results: Array<Record<string, unknown>> };
    expect(body.results[0]).toMatchObject({ model: "mock-1", pieces: null });
    expect(typeof body.results[0]!.count).toBe("number");
  });

  it("/api/route is the daemon's routing decision: rule, candidates and explanation", async () => {
    const response = await app.request("/api/route?capability=chat&model=mock:mock-1", {
      headers: HOST,
    });
    const route = (await response.json()) as Record<string, unknown>;
    const decision = served.route("chat", "mock:mock-1");
    expect(route).toMatchObject({
      provider: "mock",
      rule: "explicit-prefix",
      providerModel: "mock-1",
      candidates: decision.candidates,
      explanation: decision.explanation,
      hints: [],
    });
    expect(route.explanation).not.toContain("cannot explain");
    const preset = (await (
      await app.request("/api/route?capability=chat&model=ratatoskr:budget/coding", {
        headers: HOST,
      })
    ).json()) as Record<string, unknown>;
    expect(preset.explanation).toBe(served.route("chat", "ratatoskr:budget/coding").explanation);
    expect(preset.preset).toMatchObject({ uri: "ratatoskr:budget/coding", source: "registry" });
  });

  it("a wrong token fails at start as authentication; no daemon as network", async () => {
    await expect(
      connectRemoteGateway(remoteConfig(ratd.url, "wrong-token-0123456789")),
    ).rejects.toMatchObject({
      code: "authentication",
    });
    const gone = await startRatd({
      gateway: await Ratatoskr.builder().use(createMockProvider()).build(),
      port: 0,
    });
    const url = gone.url;
    await gone.close({ graceMs: 0 });
    const config = remoteConfig(url);
    await expect(
      connectRemoteGateway({ ...config, remote: { url, token: undefined } }),
    ).rejects.toMatchObject({ code: "network" });
  });
});

describe("a ratd without the Route RPC (an original daemon)", () => {
  it("/api/route degrades to the daemon's providers, saying it cannot explain the routing", async () => {
    const served = await Ratatoskr.builder().use(createMockProvider()).build();
    // The served gateway without route(): the daemon answers Route with UNIMPLEMENTED.
    const withoutRoute = new Proxy(served, {
      get: (target, property) => {
        if (property === "route") return undefined;
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ratd = await startRatd({ gateway: withoutRoute, port: 0 });
    const config = remoteConfig(ratd.url);
    const built = await connectRemoteGateway(config);
    try {
      const app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
      const route = (await (
        await app.request("/api/route?capability=chat&model=mock-1", { headers: HOST })
      ).json()) as Record<string, unknown>;
      expect(route).toMatchObject({ provider: "mock", candidates: [], hints: [] });
      expect(route.rule).toBeUndefined();
      expect(route.explanation).toContain(ratd.url);
      expect(route.explanation).toContain("cannot explain");
    } finally {
      await built.gateway.dispose();
      await ratd.close({ graceMs: 0 });
      await served.dispose();
    }
  });
});

it("without RATATOSKR_URL the configuration has no remote (embedded mode)", () => {
  expect(loadPlaygroundConfig({ env: { PORT: "0" }, cwd: "/nonexistent" }).remote).toBeUndefined();
});
