/**
 * Three real `ratd` processes behind a real HAProxy: 200 concurrent mixed
 * calls through `createServiceClient(haproxy)`, one instance SIGKILLed
 * while its streams are certainly in flight (the mock upstream holds that
 * instance's streams after their first chunk until the kill), then
 * restarted. Every call must end completed with exactly its own content —
 * a call cut before its first event is retried by the client and completes
 * — or, for a stream that had delivered events when its instance died,
 * with a typed `RatatoskrError`; nothing duplicated, nothing reported
 * complete that was not. The instances share one real Redis: a cache entry
 * written through one is a hit on another, and a cool-down set on one is
 * honoured by all. Bounded by the amount of work, never by time.
 */
import { randomBytes } from "node:crypto";
import {
  createServiceClient,
  type ServiceClient,
  type ServiceClientOptions,
} from "@ratatoskr/client";
import { type RedisTestServer, startRedisServer } from "@ratatoskr/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type Haproxy, startHaproxy } from "./haproxy.ts";
import {
  CHAT_MODEL,
  EMBED_MODEL,
  type Outcome,
  sendMixedLoad,
  summarize,
  summaryLine,
} from "./mixed-load.ts";
import { type MockUpstream, startMockUpstream } from "./mock-upstream.ts";
import { type RatdProcess, startRatd } from "./ratd-process.ts";

const NAMES = ["r1", "r2", "r3"] as const;
const CALLS = 200;
/** Streams of the victim that must have reached the client before it is killed. */
const IN_FLIGHT_AT_KILL = 3;

/**
 * Shared state for every instance, appended to each config.toml: the
 * response cache in the one Redis, and provider cool-downs shared through
 * it (`[redis] shared_state`, on by default).
 */
function sharedStateToml(redisUrl: string): string {
  return `
[cache]
enabled = true
store = "redis"

[redis]
url = "${redisUrl}"
key_prefix = "scale-out:"
`;
}

/**
 * The client's settings besides the token: up to 12 retries of a transport
 * failure before anything was delivered (waits 100 ms, doubling to 2 s:
 * about 17 s in all). HAProxy takes a killed instance out at its first
 * refused connection, but on a saturated CI machine (the whole suite and
 * two busy loops on 2 cores) it answered 503 or cut streams for longer
 * than the 5 s that 6 retries cover: two calls of one run failed before
 * their first event that way. `SCALE_OUT_CLIENT_RETRY=off` shows what the
 * retries save (`error_before_events`).
 */
const CLIENT_OPTIONS: Omit<ServiceClientOptions, "token"> =
  process.env.SCALE_OUT_CLIENT_RETRY === "off" ? { retry: false } : { retry: { retries: 12 } };

describe("three ratd instances behind HAProxy", () => {
  let upstream: MockUpstream;
  let redis: RedisTestServer | undefined;
  let instances: RatdProcess[] = [];
  let haproxy: Haproxy | undefined;
  let client: ServiceClient | undefined;
  // Built at run time: no key-shaped literal in the source.
  const token = randomBytes(18).toString("base64url");
  const upstreamKey = `sk-test-${randomBytes(12).toString("hex")}`;

  beforeAll(async () => {
    upstream = await startMockUpstream();
    redis = await startRedisServer();
    const extraToml = sharedStateToml(redis.url);
    instances = await Promise.all(
      NAMES.map((name) =>
        startRatd({ name, upstreamUrl: upstream.url, token, upstreamKey, extraToml }),
      ),
    );
    haproxy = await startHaproxy(
      await freePort(),
      instances.map(({ name, port }) => ({ name, port })),
    );
    await haproxy.waitUntilUp(NAMES);
    client = createServiceClient(haproxy.url, { ...CLIENT_OPTIONS, token });
  });

  afterAll(async () => {
    upstream?.release();
    await client?.close();
    await haproxy?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    await upstream?.close();
    await redis?.stop();
  });

  it("health answers through the balancer, and the bearer token is enforced there", async () => {
    expect(await client!.health()).toMatchObject({ healthy: true });
    const anonymous = createServiceClient(haproxy!.url, { retry: false });
    try {
      await expect(
        anonymous.chat([{ role: "user", content: "x" }], { model: "openai:gpt-4o-mini" }),
      ).rejects.toMatchObject({ code: "authentication" });
    } finally {
      await anonymous.close();
    }
  });

  it("200 concurrent mixed calls survive a SIGKILLed instance: each ends complete and right, or with a typed error", async () => {
    const victim = instances[0]!;
    upstream.hold(victim.name);
    const seenByClient = new Set<string>();
    let killed: Promise<void> | undefined;
    const maybeKill = () => {
      if (killed !== undefined) return;
      const inFlight = upstream.held().filter((prompt) => seenByClient.has(prompt));
      if (inFlight.length < IN_FLIGHT_AT_KILL) return;
      killed = (async () => {
        await victim.kill();
        upstream.release();
        await victim.restart();
      })();
    };
    upstream.onHeld(maybeKill);

    const started = performance.now();
    const outcomes: Outcome[] = await sendMixedLoad(client!, "kill", CALLS, {
      onFirstContent(prompt) {
        seenByClient.add(prompt);
        maybeKill();
      },
    });
    const wallMs = performance.now() - started;
    const summary = summarize(outcomes, wallMs);
    console.log(summaryLine("run with r1 SIGKILLed mid-run", summary));
    const messages = new Set(outcomes.flatMap((outcome) => outcome.message ?? []));
    console.log(`scale-out error messages: ${[...messages].join(" | ") || "none"}`);
    // Failed chats by where the upstream saw them: on the victim, only on a survivor, nowhere.
    const where = { victim: 0, survivorOnly: 0, nowhere: 0 };
    for (const outcome of outcomes) {
      if (outcome.call !== "chat" || outcome.kind === "completed") continue;
      const seen = upstream.streams.filter((stream) => stream.prompt === outcome.input);
      if (seen.some((stream) => stream.instance === victim.name)) where.victim += 1;
      else if (seen.length > 0) where.survivorOnly += 1;
      else where.nowhere += 1;
    }
    console.log(
      `scale-out failed chats: on ${victim.name}=${where.victim} only on survivors=${where.survivorOnly} never upstream=${where.nowhere}`,
    );

    expect(killed, "the victim's streams reached the client, so it was killed").toBeDefined();
    await killed;

    // No defect: no wrong or partial content reported complete, no untyped error.
    expect(outcomes.filter((outcome) => outcome.kind === "defect")).toEqual([]);
    expect(summary.completed + summary.errorBeforeEvents + summary.errorAfterEvents).toBe(CALLS);
    // The streams that had reached the client when their instance died failed, typed.
    expect(summary.errorAfterEvents).toBeGreaterThanOrEqual(IN_FLIGHT_AT_KILL);
    // Every call cut before its first event was retried by the client, and the retry succeeded.
    if (process.env.SCALE_OUT_CLIENT_RETRY !== "off") expect(summary.errorBeforeEvents).toBe(0);
    // The survivors served: calls completed through the balancer despite the kill.
    expect(summary.completed).toBeGreaterThan(0);

    // Nothing duplicated: each prompt was streamed to the end upstream at most once, and
    // each completed chat exactly once.
    const completedUpstream = new Map<string, number>();
    for (const stream of upstream.streams) {
      if (stream.completed) {
        completedUpstream.set(stream.prompt, (completedUpstream.get(stream.prompt) ?? 0) + 1);
      }
    }
    expect([...completedUpstream.values()].every((n) => n === 1)).toBe(true);
    for (const outcome of outcomes) {
      if (outcome.call !== "chat") continue;
      if (outcome.kind === "completed") expect(completedUpstream.get(outcome.input)).toBe(1);
      if (outcome.kind === "error_after_events") {
        // Reported failed, and indeed never finished upstream.
        expect(completedUpstream.get(outcome.input)).toBeUndefined();
      }
    }
    expect(upstream.unexpected).toEqual([]);
  });

  it("the restarted instance rejoins the pool and serves again", async () => {
    await haproxy!.waitUntilUp(NAMES);
    const before = upstream.streams.filter((stream) => stream.instance === "r1").length;
    const started = performance.now();
    const outcomes = await sendMixedLoad(client!, "after", 60);
    const summary = summarize(outcomes, performance.now() - started);
    console.log(summaryLine("run after r1 restarted", summary));
    expect(outcomes.filter((outcome) => outcome.kind !== "completed")).toEqual([]);
    expect(upstream.streams.filter((stream) => stream.instance === "r1").length).toBeGreaterThan(
      before,
    );
  });

  /** A client straight to one instance (no balancer), with no retry of its own. */
  const direct = (instance: RatdProcess) =>
    createServiceClient(instance.url, { token, retry: false });

  it("a cache entry written through one instance is a hit on another", async () => {
    const [, writer, reader] = instances;
    const viaWriter = direct(writer!);
    const viaReader = direct(reader!);
    const total = () => [...upstream.embeddings.values()].reduce((sum, n) => sum + n, 0);
    try {
      const text = `shared entry ${randomBytes(6).toString("hex")}`;
      const before = total();
      const written = await viaWriter.embed(text, EMBED_MODEL);
      expect(total()).toBe(before + 1);
      const read = await viaReader.embed(text, EMBED_MODEL);
      expect(read.values).toEqual(written.values);
      expect(total(), "the reader answered from the shared cache").toBe(before + 1);
      // The reader's own metrics count the hit.
      const metrics = await fetch(`${reader!.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((response) => response.text());
      expect(metrics).toMatch(/^ratatoskr_cache_hits_total\{[^}]*capability="embed"[^}]*\} [1-9]/m);
    } finally {
      await viaWriter.close();
      await viaReader.close();
    }
  });

  it("a cool-down set on one instance is honoured by all", async () => {
    const [, failing, other] = instances;
    const viaFailing = direct(failing!);
    const viaOther = direct(other!);
    try {
      // Three failed attempts (the gateway's default retry) cool the provider on that instance.
      await expect(
        viaFailing.chat([{ role: "user", content: "fail: overloaded" }], { model: CHAT_MODEL }),
      ).rejects.toMatchObject({ code: "provider" });
      expect(upstream.refused.get(failing!.name)).toBe(3);
      const cooling = (await viaFailing.health()).cooling ?? [];
      expect(cooling.map((entry) => entry.provider)).toContain("openai");
      // The other instance learns it through Redis without failing itself: wait for the event.
      await expect
        .poll(
          async () => ((await viaOther.health()).cooling ?? []).map((entry) => entry.provider),
          { interval: 50 },
        )
        .toContain("openai");
      expect(upstream.refused.get(other!.name)).toBeUndefined();
    } finally {
      await viaFailing.close();
      await viaOther.close();
    }
  });
});
