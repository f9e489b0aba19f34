import {
  type BudgetDecision,
  type ChatRequestV1,
  type ChatResultV1,
  type ProviderBudgetStore,
  type ProviderLease,
  RatatoskrError,
} from "@ratatoskr/core";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WarningEvent } from "./gateway-hooks.ts";
import { Ratatoskr } from "./index.ts";
import { errorOf, hello } from "./test-helpers.ts";

const unavailable = () =>
  new RatatoskrError({ code: "provider", message: "unavailable", status: 503, isRetryable: true });
const badRequest = () =>
  new RatatoskrError({ code: "invalid_input", message: "bad", status: 400, isRetryable: false });

afterEach(() => {
  vi.useRealTimers();
});

/** The gate of a {@link gated} provider. */
interface Gate {
  /** Whether new requests wait at the gate (default false: they pass). */
  holding: boolean;
  /** Let the oldest held request through. */
  open(): void;
  /** Settles once `count` requests are held. */
  held(count: number): Promise<void>;
}

/**
 * Give `provider`'s `chat.complete` a gate (before the gateway is built):
 * while `holding`, a request waits at it until the test opens it or its
 * signal aborts — a request held in flight.
 */
function gated(provider: MockProvider): Gate {
  const waiting: Array<() => void> = [];
  const arrivals: Array<() => void> = [];
  const chat = provider.chat!;
  const complete = chat.complete!.bind(chat);
  const gate: Gate = {
    holding: false,
    open: () => waiting.shift()?.(),
    held: (count) =>
      new Promise<void>((resolve) => {
        const check = () => (waiting.length >= count ? resolve() : arrivals.push(check));
        check();
      }),
  };
  (provider as { chat: unknown }).chat = {
    ...chat,
    complete(request: ChatRequestV1): Promise<ChatResultV1> {
      if (!gate.holding) return complete(request);
      return new Promise<void>((resolve, reject) => {
        waiting.push(resolve);
        request.signal.addEventListener("abort", () => reject(request.signal.reason), {
          once: true,
        });
        for (const arrived of arrivals.splice(0)) arrived();
      }).then(() => complete(request));
    },
  };
  return gate;
}

async function build(
  limits: Record<string, { maxInFlight?: number; requestsPerMinute?: number }>,
  options: { backup?: boolean; retry?: boolean; warnings?: WarningEvent[] } = {},
) {
  const primary = createMockProvider({ id: "primary" });
  const backup = createMockProvider({ id: "backup" });
  const gates = { primary: gated(primary), backup: gated(backup) };
  const builder = Ratatoskr.builder()
    .use(primary)
    .providerLimits(limits)
    .cooldown(false)
    .retry(options.retry ? { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 } : false);
  if (options.backup) builder.use(backup).fallbacks("chat", ["backup:m"]);
  if (options.warnings) builder.hooks({ onWarning: (event) => options.warnings!.push(event) });
  return { gateway: await builder.build(), primary, backup, gates };
}

/** The iterator of a gateway stream (the stream is its own iterator). */
function iterate<T>(stream: AsyncIterable<T>): Required<AsyncIterator<T>> {
  return stream[Symbol.asyncIterator]() as Required<AsyncIterator<T>>;
}

/** Whether the gateway's budget refused the call (its own `rate_limited`, no provider blamed). */
function expectRefusal(error: RatatoskrError, limit: string) {
  expect(error.code).toBe("rate_limited");
  expect(error.provider).toBeUndefined();
  expect(error.message).toContain("gateway's own budget");
  expect(error.details?.gatewayBudget).toMatchObject({ provider: "primary", limit });
}

describe("builder.providerLimits()", () => {
  it.each([
    [{ primary: { maxInFlight: 0 } }, "providerLimits.primary.maxInFlight"],
    [{ primary: { maxInFlight: -1 } }, "providerLimits.primary.maxInFlight"],
    [{ primary: { maxInFlight: 1.5 } }, "providerLimits.primary.maxInFlight"],
    [{ primary: { requestsPerMinute: Number.NaN } }, "providerLimits.primary.requestsPerMinute"],
    [{ primary: { requestsPerMinute: "5" } }, "providerLimits.primary.requestsPerMinute"],
    [{ primary: { maxInflight: 2 } }, "providerLimits.primary.maxInflight"],
    [{ primary: 3 }, "providerLimits.primary"],
  ])("rejects %j with a configuration error naming %s", (limits, field) => {
    let error: unknown;
    try {
      Ratatoskr.builder().providerLimits(limits as never);
    } catch (caught) {
      error = caught;
    }
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as RatatoskrError).message).toContain(field);
  });

  it("rejects at build() a limit for a provider that is not registered", async () => {
    const error = await errorOf(
      Ratatoskr.builder()
        .use(createMockProvider({ id: "primary" }))
        .providerLimits({ primray: { maxInFlight: 1 } })
        .build(),
    );
    expect(error.code).toBe("configuration");
    expect(error.message).toContain("providerLimits.primray");
  });

  it("rejects a store without the ProviderBudgetStore methods", () => {
    expect(() => Ratatoskr.builder().budgetStore({} as never)).toThrow(/acquire, release/);
  });
});

describe("maxInFlight", () => {
  it("refuses at once, without sending anything, while the budget is held; frees the slot when the call settles", async () => {
    const { gateway, primary, gates } = await build({ primary: { maxInFlight: 1 } });
    const gate = gates.primary;
    gate.holding = true;
    const first = gateway.chat(hello, { model: "primary:m" });
    await gate.held(1);

    const refused = await errorOf(gateway.chat(hello, { model: "primary:m" }));
    expectRefusal(refused, "maxInFlight");
    expect(refused.retryAfterMs).toBeUndefined();

    gate.open();
    expect((await first).provider).toBe("primary");
    // Only the first call reached the provider.
    expect(primary.calls).toHaveLength(1);
    const third = gateway.chat(hello, { model: "primary:m" });
    await gate.held(1);
    gate.open();
    expect((await third).provider).toBe("primary");
  });

  it("sends the call to a fallback while the provider's budget is spent, and reports the fallback", async () => {
    const { gateway, backup, gates } = await build(
      { primary: { maxInFlight: 1 } },
      { backup: true },
    );
    const gate = gates.primary;
    gate.holding = true;
    const first = gateway.chat(hello, { model: "primary:m" });
    await gate.held(1);
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(backup.calls).toHaveLength(1);
    gate.open();
    await first;
  });

  it("frees the slot after a failed call, a retried one and an aborted one", async () => {
    const { gateway, primary, gates } = await build(
      { primary: { maxInFlight: 1 } },
      { retry: true },
    );
    primary.failNext("chat", badRequest());
    expect((await errorOf(gateway.chat(hello, { model: "primary:m" }))).code).toBe("invalid_input");

    primary.failNext("chat", unavailable(), 2);
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
    expect(primary.calls).toHaveLength(4);

    const gate = gates.primary;
    gate.holding = true;
    const controller = new AbortController();
    const aborted = gateway.chat(hello, { model: "primary:m", signal: controller.signal });
    await gate.held(1);
    controller.abort();
    expect((await errorOf(aborted)).code).toBe("aborted");

    const after = gateway.chat(hello, { model: "primary:m" });
    await gate.held(2);
    gate.open(); // the aborted request's gate: nothing waits on it any more
    gate.open();
    expect((await after).provider).toBe("primary");
  });

  it("a provider without limits, and a gateway without any, are never refused", async () => {
    const { gateway, gates } = await build({ primary: { maxInFlight: 1 } }, { backup: true });
    const gate = gates.backup;
    gate.holding = true;
    const calls = [1, 2, 3].map(() => gateway.chat(hello, { model: "backup:m" }));
    await gate.held(3);
    for (const _ of calls) gate.open();
    expect((await Promise.all(calls)).map((response) => response.provider)).toEqual([
      "backup",
      "backup",
      "backup",
    ]);
  });

  it("holds a stream's slot until it ends: done, a broken stream, a consumer that breaks out, a caller abort", async () => {
    const { gateway, primary } = await build({ primary: { maxInFlight: 1 } });
    const stream = () => iterate(gateway.chatStream(hello, { model: "primary:m" }));
    const refusedNow = () =>
      gateway.chat(hello, { model: "primary:m" }).then(
        () => false,
        (error: RatatoskrError) => error.code === "rate_limited" && error.provider === undefined,
      );

    // Completed.
    const completed = stream();
    await completed.next();
    expect(await refusedNow()).toBe(true);
    for await (const _ of { [Symbol.asyncIterator]: () => completed }) {
      // drain
    }
    expect(await refusedNow()).toBe(false);

    // Broken mid-stream.
    primary.enqueueStream({
      events: [{ type: "content", text: "partial" }],
      error: unavailable(),
    });
    const broken = stream();
    await broken.next();
    expect(await refusedNow()).toBe(true);
    expect((await errorOf(broken.next())).code).toBe("provider");
    expect(await refusedNow()).toBe(false);

    // The consumer leaves its loop early.
    for await (const _ of gateway.chatStream(hello, { model: "primary:m" })) break;
    expect(await refusedNow()).toBe(false);

    // The consumer stops calling next() without return(); the caller's abort ends the request and frees the slot.
    const controller = new AbortController();
    const stalled = iterate(
      gateway.chatStream(hello, { model: "primary:m", signal: controller.signal }),
    );
    await stalled.next();
    expect(await refusedNow()).toBe(true);
    controller.abort();
    expect(await refusedNow()).toBe(false);
  });

  it("frees the slot of a stream whose consumer left while the first event was on its way", async () => {
    const { gateway, primary } = await build({ primary: { maxInFlight: 1 } });
    primary.enqueueStream({ events: [{ type: "content", text: "late" }], delayMs: 5 });
    const stream = iterate(gateway.chatStream(hello, { model: "primary:m" }));
    const first = stream.next();
    await stream.return();
    await first.catch(() => undefined);
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
  });

  it("a stream refused by the budget fails at once, before any event", async () => {
    const { gateway } = await build({ primary: { maxInFlight: 1 } });
    const held = iterate(gateway.chatStream(hello, { model: "primary:m" }));
    await held.next();
    const refused = await errorOf(
      iterate(gateway.chatStream(hello, { model: "primary:m" })).next(),
    );
    expectRefusal(refused, "maxInFlight");
    await held.return();
  });

  it("frees the slots of a batch's chunks", async () => {
    const primary = createMockProvider({ id: "primary", maxEmbeddingsPerCall: 1 });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .providerLimits({ primary: { maxInFlight: 1 } })
      .build();
    const vectors = await gateway.embedBatch(["a", "b", "c"], "primary:m");
    expect(vectors).toHaveLength(3);
    expect((await gateway.embed("d", "primary:m")).values).toHaveLength(8);
  });
});

describe("requestsPerMinute", () => {
  it("counts every attempt in a one-minute window and refuses with the time left in it", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 10 * 60_000 + 15_000 });
    const { gateway, primary } = await build(
      { primary: { requestsPerMinute: 3 } },
      { retry: true },
    );
    primary.failNext("chat", unavailable());
    await gateway.chat(hello, { model: "primary:m" }); // two attempts
    await gateway.chat(hello, { model: "primary:m" });
    const refused = await errorOf(gateway.chat(hello, { model: "primary:m" }));
    expectRefusal(refused, "requestsPerMinute");
    expect(refused.retryAfterMs).toBe(45_000);
    expect(primary.calls).toHaveLength(3);

    vi.setSystemTime(11 * 60_000);
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
  });

  it("a retry the budget refuses moves the call to the fallback", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const { gateway, primary } = await build(
      { primary: { requestsPerMinute: 1 } },
      { retry: true, backup: true },
    );
    primary.failNext("chat", unavailable());
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("backup");
    expect(primary.calls).toHaveLength(1);
  });
});

/** A store answering with `answer` (called per acquire), recording releases. */
function storeOf(answer: (provider: string) => Promise<BudgetDecision>) {
  const released: ProviderLease[] = [];
  let ids = 0;
  const store: ProviderBudgetStore & { released: ProviderLease[]; next(): ProviderLease } = {
    name: "test-store",
    released,
    next: () => ({ provider: "primary", id: `l${++ids}` }),
    acquire: (provider) => answer(provider),
    release: async (lease) => {
      released.push(lease);
    },
  };
  return store;
}

describe("builder.budgetStore()", () => {
  it("takes slots from the store and gives them back when the call ends", async () => {
    const store = storeOf(async () => ({ granted: true, lease: store.next() }));
    const primary = createMockProvider({ id: "primary" });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .providerLimits({ primary: { maxInFlight: 1 } })
      .budgetStore(store)
      .build();
    await gateway.chat(hello, { model: "primary:m" });
    for await (const _ of gateway.chatStream(hello, { model: "primary:m" })) {
      // drain
    }
    expect(store.released.map((lease) => lease.id)).toEqual(["l1", "l2"]);
  });

  it("a store's refusal is the gateway's rate_limited, naming the store, with its retryAfterMs", async () => {
    const store = storeOf(async () => ({
      granted: false,
      limit: "requestsPerMinute",
      retryAfterMs: 1234,
    }));
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "primary" }))
      .providerLimits({ primary: { requestsPerMinute: 10 } })
      .budgetStore(store)
      .build();
    const refused = await errorOf(gateway.chat(hello, { model: "primary:m" }));
    expectRefusal(refused, "requestsPerMinute");
    expect(refused.retryAfterMs).toBe(1234);
    expect(refused.details?.gatewayBudget).toMatchObject({ store: "test-store" });
  });

  it.each([
    ["rejects", () => Promise.reject(new Error("connection refused"))],
    [
      "throws",
      () => {
        throw new Error("broken");
      },
    ],
    ["answers nonsense", () => Promise.resolve({ granted: "maybe" })],
    ["never answers", () => new Promise<never>(() => {})],
  ])(
    "a store that %s never fails a call: the in-memory budget holds, with a warning",
    async (_, answer) => {
      const warnings: WarningEvent[] = [];
      const store = storeOf(answer as never);
      const primary = createMockProvider({ id: "primary" });
      const gate = gated(primary);
      const gateway = await Ratatoskr.builder()
        .use(primary)
        .providerLimits({ primary: { maxInFlight: 1 } })
        .budgetStore(store, { timeoutMs: 5 })
        .hooks({ onWarning: (event) => warnings.push(event) })
        .build();
      gate.holding = true;
      const first = gateway.chat(hello, { model: "primary:m" });
      await gate.held(1);
      expect(warnings.map((event) => event.warning)).toEqual([
        expect.objectContaining({ type: "other", provider: "primary" }),
      ]);
      expect(warnings[0]!.warning).toMatchObject({
        message: expect.stringContaining('budget store "test-store" is unavailable'),
      });
      expectRefusal(await errorOf(gateway.chat(hello, { model: "primary:m" })), "maxInFlight");
      gate.open();
      expect((await first).provider).toBe("primary");
    },
  );

  it("releases a grant that arrives after the timeout", async () => {
    let grant: (decision: BudgetDecision) => void = () => {};
    const store = storeOf(
      () =>
        new Promise<BudgetDecision>((resolve) => {
          grant = resolve;
        }),
    );
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "primary" }))
      .providerLimits({ primary: { maxInFlight: 1 } })
      .budgetStore(store, { timeoutMs: 1 })
      .build();
    expect((await gateway.chat(hello, { model: "primary:m" })).provider).toBe("primary");
    grant({ granted: true, lease: { provider: "primary", id: "late" } });
    await vi.waitFor(() => expect(store.released.map((lease) => lease.id)).toEqual(["late"]), {
      timeout: 240_000,
      interval: 5,
    });
  });
});
