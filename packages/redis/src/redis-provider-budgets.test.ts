import { type ProviderLimits, RatatoskrError } from "@ratatoskr/core";
import { type GatewayHooks, Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { startRedisServer } from "@ratatoskr/testing/servers";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { useRedisServer } from "./redis.test-helpers.ts";
import { createRedisProviderBudgets } from "./redis-provider-budgets.ts";

const hello = [{ role: "user" as const, content: "hello" }];

const context = useRedisServer("b");
const nextPrefix = context.nextPrefix;

function store(url: string, keyPrefix: string, leaseTtlMs?: number) {
  const created = createRedisProviderBudgets({
    url,
    keyPrefix,
    ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }),
  });
  context.afterTest(() => created.close());
  return created;
}

/** A gateway (one instance) whose `primary` budget lives in Redis under `keyPrefix`. */
async function instance(
  url: string,
  keyPrefix: string,
  limits: ProviderLimits,
  hooks?: GatewayHooks,
) {
  const builder = Ratatoskr.builder()
    .use(createMockProvider({ id: "primary" }))
    .retry(false)
    .providerLimits({ primary: limits })
    .budgetStore(store(url, keyPrefix));
  if (hooks) builder.hooks(hooks);
  const gateway = await builder.build();
  context.afterTest(() => gateway.dispose());
  return gateway;
}

/** A stream that has delivered its first event: it holds its slot until it ends. */
async function heldStream(gateway: Awaited<ReturnType<typeof instance>>) {
  const stream = gateway.chatStream(hello, { model: "primary:m" })[Symbol.asyncIterator]();
  await stream.next();
  return stream;
}

/** The call's outcome: the answering provider, or the error's code. */
const outcome = (gateway: Awaited<ReturnType<typeof instance>>) =>
  gateway.chat(hello, { model: "primary:m" }).then(
    (response) => response.provider,
    (error: RatatoskrError) => {
      expect(error.provider).toBeUndefined();
      expect(error.details?.gatewayBudget).toMatchObject({ provider: "primary", store: "redis" });
      return error.code;
    },
  );

/** Milliseconds left in the current clock minute, on the Redis server's clock. */
async function minuteLeft(url: string): Promise<number> {
  const raw = createClient({ url });
  await raw.connect();
  try {
    const [seconds, micros] = await raw.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    return 60_000 - (now % 60_000);
  } finally {
    await raw.close();
  }
}

describe("two gateways sharing one real redis-server", () => {
  it("hold one combined maxInFlight", async () => {
    const prefix = nextPrefix();
    const a = await instance(context.server().url, prefix, { maxInFlight: 2 });
    const b = await instance(context.server().url, prefix, { maxInFlight: 2 });
    const onA = await heldStream(a);
    const onB = await heldStream(b);
    expect(await outcome(a)).toBe("rate_limited");
    expect(await outcome(b)).toBe("rate_limited");

    // A stream's slot is released in the background when it ends (the gateway does not
    // wait for Redis), so the other instance sees the freed slot once the release lands.
    await onA.return?.();
    await expect.poll(() => outcome(b), { timeout: 240_000 }).toBe("primary");
    await onB.return?.();
    await expect
      .poll(() => Promise.all([outcome(a), outcome(b)]), { timeout: 240_000 })
      .toEqual(["primary", "primary"]);
  });

  it("hold one combined requestsPerMinute, refusing with the time left in the window", async () => {
    // Start early in a clock minute, so the four calls share one window.
    await expect
      .poll(() => minuteLeft(context.server().url), { timeout: 240_000, interval: 250 })
      .toBeGreaterThan(15_000);
    const prefix = nextPrefix();
    const a = await instance(context.server().url, prefix, { requestsPerMinute: 3 });
    const b = await instance(context.server().url, prefix, { requestsPerMinute: 3 });
    expect([await outcome(a), await outcome(b), await outcome(a)]).toEqual([
      "primary",
      "primary",
      "primary",
    ]);
    const refused = await b.chat(hello, { model: "primary:m" }).catch((error) => error);
    expect(refused.code).toBe("rate_limited");
    expect(refused.message).toContain("gateway's own budget");
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });
});

describe("createRedisProviderBudgets", () => {
  it("reclaims the lease of a killed instance after its time to live", async () => {
    const prefix = nextPrefix();
    const killed = createRedisProviderBudgets({
      url: context.server().url,
      keyPrefix: prefix,
      leaseTtlMs: 300,
    });
    const survivor = store(context.server().url, prefix);
    const limits = { maxInFlight: 1 };
    expect((await killed.acquire("primary", limits)).granted).toBe(true);
    // The instance dies with its slot held: no release, no more renewals.
    await killed.close();
    expect(await survivor.acquire("primary", limits)).toEqual({
      granted: false,
      limit: "maxInFlight",
    });
    await expect
      .poll(async () => (await survivor.acquire("primary", limits)).granted, { timeout: 240_000 })
      .toBe(true);
  });

  it("renews the leases it holds, so a request longer than the time to live keeps its slot", async () => {
    const prefix = nextPrefix();
    // A time to live long enough that a busy machine's late timer cannot let the lease lapse
    // between two renewals (every third of it), short enough to see a renewal soon.
    const holder = store(context.server().url, prefix, 1_500);
    const other = store(context.server().url, prefix);
    const limits = { maxInFlight: 1 };
    const raw = createClient({ url: context.server().url });
    await raw.connect();
    context.afterTest(() => raw.close());
    const decision = await holder.acquire("primary", limits);
    expect(decision.granted).toBe(true);
    // Wait for a renewal: the lease's expiry moves forward.
    const key = `${prefix}inflight:primary`;
    const leases = await raw.zRangeWithScores(key, 0, -1);
    expect(leases).toHaveLength(1);
    const firstExpiry = leases[0]!.score;
    await expect
      .poll(async () => (await raw.zRangeWithScores(key, 0, -1))[0]?.score ?? 0, {
        timeout: 240_000,
      })
      .toBeGreaterThan(firstExpiry);
    expect((await other.acquire("primary", limits)).granted).toBe(false);
    if (decision.granted) await holder.release(decision.lease);
    expect(await raw.zCard(key)).toBe(0);
    expect((await other.acquire("primary", limits)).granted).toBe(true);
  });

  it("while Redis is down, calls work on the gateway's in-memory budget, with a warning", async () => {
    const outage = await startRedisServer();
    context.afterTest(() => outage.stop());
    const warnings: string[] = [];
    const gateway = await instance(
      outage.url,
      nextPrefix(),
      { maxInFlight: 1 },
      { onWarning: (event) => warnings.push(JSON.stringify(event.warning)) },
    );
    await outage.kill();
    const held = await heldStream(gateway);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('budget store \\"redis\\" is unavailable');
    // The in-memory budget holds while Redis is away.
    const refused = await gateway.chat(hello, { model: "primary:m" }).catch((error) => error);
    expect(refused.code).toBe("rate_limited");
    await held.return?.();
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
  });

  it.each([
    [{ url: "redis://x", leaseTtlMs: 0 }, "leaseTtlMs"],
    [{ url: "redis://x", leaseTtlMs: 1.5 }, "leaseTtlMs"],
    [{ url: "redis://x", keyPrefix: 3 }, "keyPrefix"],
    [{}, "url"],
  ])("rejects %j with invalid_input naming %s", (options, field) => {
    let error: unknown;
    try {
      createRedisProviderBudgets(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(RatatoskrError.isInstance(error, "invalid_input")).toBe(true);
    expect((error as RatatoskrError).details).toMatchObject({ field });
  });
});
