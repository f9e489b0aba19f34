import {
  RatatoskrError,
  type SharedCooldown,
  type SharedProviderEvent,
  type SharedProviderListener,
  type SharedProviderState,
} from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { ProviderHealth } from "./provider-health.ts";
import { errorOf, hello } from "./test-helpers.ts";

const fast = { initialDelayMs: 1, maxDelayMs: 2 };
const unavailable = () =>
  new RatatoskrError({ code: "provider", message: "unavailable", status: 503, isRetryable: true });

/** An in-memory bus: each `state()` is one instance's SharedProviderState. */
function createBus() {
  const active = new Map<string, SharedCooldown>();
  const members = new Set<Set<SharedProviderListener>>();
  const published: SharedProviderEvent[] = [];
  const deliver = (from: Set<SharedProviderListener>, event: SharedProviderEvent) => {
    published.push(event);
    for (const member of members) {
      if (member !== from) for (const listener of member) listener(event);
    }
  };
  return {
    published,
    state(): SharedProviderState {
      const listeners = new Set<SharedProviderListener>();
      members.add(listeners);
      return {
        name: "memory-bus",
        async publish(cooldown) {
          active.set(cooldown.provider, cooldown);
          deliver(listeners, { type: "cooldown", cooldown });
        },
        async publishRecovery(provider) {
          active.delete(provider);
          deliver(listeners, { type: "recovery", provider });
        },
        subscribe(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        async snapshot() {
          return [...active.values()].filter((cooldown) => cooldown.until > Date.now());
        },
      };
    },
  };
}

/** A gateway whose `primary` fails `failures` times, with a healthy `backup` when asked. */
async function gatewayWith(state: SharedProviderState, failures = 0, backup = true) {
  const primary = createMockProvider({ id: "primary" });
  if (failures > 0) primary.failNext("chat", unavailable(), failures);
  const builder = Ratatoskr.builder()
    .use(primary)
    .retry({ ...fast, maxAttempts: 3 })
    .cooldown({ failureThreshold: 3, cooldownMs: 60_000 })
    .sharedState(state);
  const backupProvider = createMockProvider({ id: "backup" });
  if (backup) builder.use(backupProvider).fallbacks("chat", ["backup:m"]);
  return { gateway: await builder.build(), primary, backup: backupProvider };
}

describe("shared provider state", () => {
  it("a cool-down on one gateway is applied by another, which routes around it without failing itself", async () => {
    const bus = createBus();
    const a = await gatewayWith(bus.state(), 3);
    const b = await gatewayWith(bus.state());
    expect(b.gateway.cooldowns()).toEqual([]);

    expect((await a.gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(a.gateway.cooldowns()).toEqual([
      expect.objectContaining({ provider: "primary", failures: 3, lastError: "provider" }),
    ]);
    expect(b.gateway.cooldowns()).toEqual([
      expect.objectContaining({ provider: "primary", failures: 3, lastError: "provider" }),
    ]);
    expect(b.gateway.route("chat", "primary:m").explanation).toContain("cooling down");
    expect((await b.gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(b.primary.calls).toHaveLength(0);
  });

  it("a recovery on one gateway ends the cool-down on the others", async () => {
    const bus = createBus();
    // A has no backup: its cooled primary is still tried (last), and answers.
    const a = await gatewayWith(bus.state(), 3, false);
    const b = await gatewayWith(bus.state());
    expect((await errorOf(a.gateway.chat(hello, { model: "primary:m" }))).code).toBe("provider");
    expect(b.gateway.cooldowns()).toHaveLength(1);

    expect((await a.gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
    expect(a.gateway.cooldowns()).toEqual([]);
    expect(b.gateway.cooldowns()).toEqual([]);
    expect(bus.published.map((event) => event.type)).toEqual(["cooldown", "recovery"]);
  });

  it("a gateway built later loads the cool-downs in force; dispose() stops listening", async () => {
    const bus = createBus();
    const a = await gatewayWith(bus.state(), 3);
    await a.gateway.chat(hello, { model: "primary:m" });
    const late = await gatewayWith(bus.state());
    expect(late.gateway.cooldowns()).toEqual([expect.objectContaining({ provider: "primary" })]);

    const disposed = await gatewayWith(bus.state());
    await disposed.gateway.dispose();
    const b = await gatewayWith(bus.state(), 3, false);
    await errorOf(b.gateway.chat(hello, { model: "primary:m" }));
    await b.gateway.chat(hello, { model: "primary:m" });
    // The recovery reached the live gateway, not the disposed one.
    expect(late.gateway.cooldowns()).toEqual([]);
    expect(disposed.gateway.cooldowns()).toHaveLength(1);
  });

  it("a state that rejects, throws or never answers fails no call and no build", async () => {
    const rejecting: SharedProviderState = {
      name: "down",
      publish: () => Promise.reject(new Error("down")),
      publishRecovery: () => Promise.reject(new Error("down")),
      subscribe: () => () => {},
      snapshot: () => Promise.reject(new Error("down")),
    };
    const throwing: SharedProviderState = {
      name: "broken",
      publish: () => {
        throw new Error("sync");
      },
      publishRecovery: () => {
        throw new Error("sync");
      },
      subscribe: () => {
        throw new Error("sync");
      },
      snapshot: () => {
        throw new Error("sync");
      },
    };
    for (const state of [rejecting, throwing]) {
      const { gateway } = await gatewayWith(state, 3, false);
      expect((await errorOf(gateway.chat(hello, { model: "primary:m" }))).code).toBe("provider");
      expect(gateway.cooldowns()).toHaveLength(1);
      expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
      expect(gateway.cooldowns()).toEqual([]);
    }
  });

  it("the builder refuses what is not a SharedProviderState with configuration", () => {
    for (const state of [undefined, {}, { publish() {}, subscribe() {} }]) {
      let thrown: unknown;
      try {
        Ratatoskr.builder().sharedState(state as never);
      } catch (error) {
        thrown = error;
      }
      expect(RatatoskrError.isInstance(thrown) && thrown.code).toBe("configuration");
      expect(String(thrown)).toContain("snapshot");
    }
  });
});

describe("ProviderHealth and shared cool-downs", () => {
  it("publishes cool-downs and recoveries only, and applies others' without publishing back", () => {
    let now = 1_000;
    const health = new ProviderHealth({ failureThreshold: 2, cooldownMs: 100 }, () => now);
    const heard: string[] = [];
    health.publishTo({
      cooled: (cooldown) => heard.push(`cooled ${cooldown.provider} until ${cooldown.until}`),
      recovered: (provider) => heard.push(`recovered ${provider}`),
    });
    health.failure("p", unavailable());
    health.success("p");
    expect(heard).toEqual([]);
    health.failure("p", unavailable());
    health.failure("p", unavailable());
    // A failure while it cools extends the local cool-down without publishing again.
    now = 1_050;
    health.failure("p", unavailable());
    expect(health.cooldown("p")?.until).toBe(1_150);
    // After the cool-down ended, the next failure cools it again (half-open) and publishes.
    now = 1_200;
    health.failure("p", unavailable());
    health.success("p");
    expect(heard).toEqual(["cooled p until 1100", "cooled p until 1300", "recovered p"]);
    now = 1_000;

    health.applyShared({ provider: "q", until: 1_500, failures: 4, lastError: "timeout" });
    expect(health.cooldown("q")).toEqual({
      provider: "q",
      until: 1_500,
      failures: 4,
      lastError: "timeout",
    });
    // An earlier end does not shorten it; an ended one is not applied.
    health.applyShared({ provider: "q", until: 1_200, failures: 1, lastError: "network" });
    expect(health.cooldown("q")?.until).toBe(1_500);
    health.applyShared({ provider: "r", until: 900, failures: 3, lastError: "network" });
    expect(health.cooldown("r")).toBeUndefined();
    health.applySharedRecovery("q");
    expect(health.cooldown("q")).toBeUndefined();
    expect(heard).toHaveLength(3);
    now = 2_000;

    const off = new ProviderHealth(false, () => now);
    off.applyShared({ provider: "q", until: 3_000, failures: 4, lastError: "timeout" });
    expect(off.cooldown("q")).toBeUndefined();
  });
});
