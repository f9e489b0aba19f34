import { RatatoskrError, type SharedProviderEvent } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { startRedisServer } from "@ratatoskr/testing/servers";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { useRedisServer } from "./redis.test-helpers.ts";
import { createRedisSharedState } from "./redis-shared-state.ts";

const hello = [{ role: "user" as const, content: "hello" }];
const unavailable = () =>
  new RatatoskrError({ code: "provider", message: "unavailable", status: 503, isRetryable: true });

const context = useRedisServer("t");
const nextPrefix = context.nextPrefix;

function state(url: string, keyPrefix: string) {
  const created = createRedisSharedState({ url, keyPrefix });
  context.afterTest(() => created.close?.() ?? Promise.resolve());
  return created;
}

/** A gateway (one instance) sharing cool-downs through Redis; `primary` fails `failures` times. */
async function instance(url: string, keyPrefix: string, failures = 0, backup = true) {
  const primary = createMockProvider({ id: "primary" });
  if (failures > 0) primary.failNext("chat", unavailable(), failures);
  const builder = Ratatoskr.builder()
    .use(primary)
    .retry({ maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 })
    .cooldown({ failureThreshold: 3, cooldownMs: 60_000 })
    .sharedState(state(url, keyPrefix));
  if (backup) builder.use(createMockProvider({ id: "backup" })).fallbacks("chat", ["backup:m"]);
  const gateway = await builder.build();
  context.afterTest(() => gateway.dispose());
  return { gateway, primary };
}

const cooling = (gateway: { cooldowns(): Array<{ provider: string }> }) =>
  gateway.cooldowns().map((cooldown) => cooldown.provider);

describe("two gateways sharing one real redis-server", () => {
  it("a cool-down on A reaches B, which routes around the provider without failing itself; a recovery on A reaches B", async () => {
    const prefix = nextPrefix();
    const a = await instance(context.server().url, prefix, 3, false);
    const b = await instance(context.server().url, prefix);
    expect(cooling(b.gateway)).toEqual([]);

    expect((await a.gateway.chat(hello, { model: "primary:m" }).catch((error) => error)).code).toBe(
      "provider",
    );
    expect(cooling(a.gateway)).toEqual(["primary"]);
    await expect.poll(() => cooling(b.gateway)).toEqual(["primary"]);
    const [cooldown] = b.gateway.cooldowns();
    expect(cooldown).toMatchObject({ failures: 3, lastError: "provider" });
    expect(cooldown?.until).toBeGreaterThan(Date.now());
    expect(b.gateway.route("chat", "primary:m").explanation).toContain("cooling down");
    expect((await b.gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(b.primary.calls).toHaveLength(0);

    // The cooled primary is A's only target: tried last, it answers, and A publishes the recovery.
    expect((await a.gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
    await expect.poll(() => cooling(b.gateway)).toEqual([]);
  });

  it("a gateway started later loads the cool-downs in force, with the key's remaining TTL", async () => {
    const prefix = nextPrefix();
    const a = await instance(context.server().url, prefix, 3);
    await a.gateway.chat(hello, { model: "primary:m" });
    const raw = createClient({ url: context.server().url });
    await raw.connect();
    context.afterTest(() => raw.close());
    const ttl = await raw.pTTL(`${prefix}cooldown:primary`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    const late = await instance(context.server().url, prefix);
    expect(cooling(late.gateway)).toEqual(["primary"]);
    // Another prefix is another deployment.
    const other = await instance(context.server().url, nextPrefix());
    expect(cooling(other.gateway)).toEqual([]);
  });

  it("a Redis outage leaves both gateways working on local state, and sharing resumes after the restart", async () => {
    const outage = await startRedisServer();
    context.afterTest(() => outage.stop());
    const prefix = nextPrefix();
    const a = await instance(outage.url, prefix, 6);
    const b = await instance(outage.url, prefix);

    await outage.kill();
    expect((await a.gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(cooling(a.gateway)).toEqual(["primary"]);
    expect((await b.gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
    expect(cooling(b.gateway)).toEqual([]);

    await outage.restart();
    // B's subscriber reconnects by itself: a cool-down another instance triggers now reaches it.
    const c = await instance(outage.url, prefix, 3);
    await expect
      .poll(async () => {
        await c.gateway.chat(hello, { model: "primary:m" });
        return cooling(b.gateway);
      })
      .toEqual(["primary"]);
  });
});

describe("createRedisSharedState", () => {
  it("delivers other instances' events, not its own, and ignores malformed messages", async () => {
    const prefix = nextPrefix();
    const first = state(context.server().url, prefix);
    const second = state(context.server().url, prefix);
    const heardByFirst: SharedProviderEvent[] = [];
    const heardBySecond: SharedProviderEvent[] = [];
    first.subscribe((event) => heardByFirst.push(event));
    const unsubscribe = second.subscribe((event) => heardBySecond.push(event));
    // Both subscribers are live once a probe published by the other arrives.
    await expect
      .poll(async () => {
        await first.publishRecovery("probe");
        return heardBySecond.length > 0;
      })
      .toBe(true);

    const raw = createClient({ url: context.server().url });
    await raw.connect();
    context.afterTest(() => raw.close());
    for (const junk of [
      "not json",
      "{}",
      '{"v":1,"type":"cooldown","provider":"p","remainingMs":-1}',
    ]) {
      await raw.publish(`${prefix}events`, junk);
    }
    heardBySecond.length = 0;
    await first.publish({
      provider: "p",
      until: Date.now() + 30_000,
      failures: 4,
      lastError: "timeout",
    });
    await expect.poll(() => heardBySecond.length).toBe(1);
    expect(heardBySecond[0]).toMatchObject({
      type: "cooldown",
      cooldown: { provider: "p", failures: 4, lastError: "timeout" },
    });
    expect(heardByFirst.filter((event) => event.type === "cooldown")).toEqual([]);
    expect(await second.snapshot()).toEqual([
      expect.objectContaining({ provider: "p", failures: 4, lastError: "timeout" }),
    ]);

    unsubscribe();
    await first.publishRecovery("p");
    expect(await second.snapshot()).toEqual([]);
    // A cool-down that has already ended is not written.
    await first.publish({
      provider: "q",
      until: Date.now() - 1,
      failures: 3,
      lastError: "network",
    });
    expect(await second.snapshot()).toEqual([]);
  });

  it("rejects with a network error while Redis is down (never a synchronous throw)", async () => {
    const outage = await startRedisServer();
    context.afterTest(() => outage.stop());
    const shared = state(outage.url, nextPrefix());
    await expect.poll(() => shared.snapshot().catch(() => "down")).toEqual([]);
    await outage.kill();
    for (const pending of [
      shared.snapshot(),
      shared.publish({
        provider: "p",
        until: Date.now() + 1_000,
        failures: 3,
        lastError: "network",
      }),
      shared.publishRecovery("p"),
    ]) {
      await expect(pending).rejects.toMatchObject({ code: "network" });
    }
  });
});
