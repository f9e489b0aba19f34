/**
 * The gateway conformance suite (`runGatewayConformance`): the observable
 * contract of every `ModelGateway` method, for any implementation of it —
 * the embedded gateway, the remote `ServiceClient` pointed at a `ratd`, a
 * wrapper of either. The suite makes a mock provider per test
 * ({@link createGatewayConformanceMock}); `makeGateway` serves it:
 *
 * ```ts
 * runGatewayConformance("embedded", async (mock) => ({
 *   gateway: await Ratatoskr.builder().use(mock).build(),
 * }));
 * ```
 *
 * It checks results (shapes, and agreement between a method's halves:
 * a stream rebuilds its unary answer, a batch matches its singles), the
 * stream event order (`done` once, last), typed `invalid_input` errors
 * naming the field for bad input, provider errors passed on typed, and the
 * caller's abort and deadline. Every gateway runs every check.
 */
import {
  type ChatEvent,
  type GenerateEvent,
  Message,
  type ModelGateway,
  RatatoskrError,
} from "@ratatoskr/core";
import { afterEach, describe, expect, it } from "vitest";
import { assertChatEventProtocol, assertTokens } from "./conformance.ts";
import { createMockProvider, type MockProvider, mockError } from "./mock-provider.ts";

/** The models the conformance mock serves and lists. */
export const GATEWAY_CONFORMANCE_MODELS = Object.freeze({
  /** Served for every capability. */
  served: "mock-1",
  /** Listed in the mock's catalog, with a context window of 8192. */
  listed: "mock-listed",
  /** Served by no provider (`supports` answers no). */
  unserved: "unserved/model",
});

/** The mock provider every conformance test gets: all capabilities, one listed model, one unserved. */
export function createGatewayConformanceMock(): MockProvider {
  return createMockProvider({
    supports: (_capability, model) =>
      model.startsWith("unserved/") ? { supported: false, reason: "unserved" } : true,
    models: { list: [{ id: GATEWAY_CONFORMANCE_MODELS.listed, context_window: 8192 }] },
  });
}

/** A gateway serving the suite's mock, and how to release it. */
export interface GatewayUnderTest {
  /** The gateway the suite calls. */
  readonly gateway: ModelGateway;
  /** Release the gateway (servers, connections); the suite calls it after each check. */
  close?(): Promise<void>;
}

const { served, listed, unserved } = GATEWAY_CONFORMANCE_MODELS;
const messages = [Message.system("Be brief."), Message.user("Hello there, conformance")];

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The typed error `run` fails with (a test failure when it succeeds or throws anything else). */
async function failure(
  run: () => Promise<unknown> | AsyncIterable<unknown>,
): Promise<RatatoskrError> {
  try {
    const result = run();
    if (Symbol.asyncIterator in (result as object)) await collect(result as AsyncIterable<unknown>);
    else await result;
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `a RatatoskrError, got ${String(error)}`).toBe(true);
    return error as RatatoskrError;
  }
  throw new Error("the call succeeded; a typed error was expected");
}

/** Bad input for every method: each must fail `invalid_input`, naming a field, without reaching the provider. */
const BAD_INPUT: Record<
  string,
  (gateway: ModelGateway) => Promise<unknown> | AsyncIterable<unknown>
> = {
  "chat without messages": (g) => g.chat([], { model: served }),
  "chat with a negative temperature": (g) => g.chat(messages, { model: served, temperature: -1 }),
  "chatStream without a model": (g) => g.chatStream(messages, { model: "" }),
  "generate with a non-string prompt": (g) => g.generate(42 as never, { model: served }),
  "generateStream with a bad maxTokens": (g) =>
    g.generateStream("x", { model: served, maxTokens: -3 }),
  "embed without text": (g) => g.embed("", served),
  "embedBatch with a bad timeout": (g) => g.embedBatch(["a"], served, { timeout: -5 }),
  "inferNli with a non-string premise": (g) => g.inferNli(1 as never, "h", served),
  "inferNliBatch without pairs": (g) => g.inferNliBatch([], served),
  "classifyZeroShot without labels": (g) => g.classifyZeroShot("t", [], served),
  "classifyStance without a target": (g) => g.classifyStance("t", "", served),
  "countTokens with a non-string model": (g) => g.countTokens("t", 5 as never),
  "tokenize with a non-string text": (g) => g.tokenize(5 as never, served),
  "fitsContext without messages": (g) => g.fitsContext([], served),
  "modelStatus with an unknown option": (g) => g.modelStatus(served, { bogus: 1 } as never),
  "fetchModelMetadata without a model": (g) => g.fetchModelMetadata(""),
  "listModels with bad providers": (g) => g.listModels({ providers: [""] }),
};

/**
 * Run the gateway conformance suite for `name`: `makeGateway(mock)` gives
 * a gateway serving `mock` (fresh for each test).
 */
export function runGatewayConformance(
  name: string,
  makeGateway: (mock: MockProvider) => Promise<GatewayUnderTest>,
): void {
  describe(`gateway conformance: ${name}`, () => {
    let mock: MockProvider;
    let gateway: ModelGateway;
    let closing: (() => Promise<void>) | undefined;
    const setup = async () => {
      mock = createGatewayConformanceMock();
      const made = await makeGateway(mock);
      gateway = made.gateway;
      closing = made.close?.bind(made);
      return gateway;
    };
    afterEach(async () => {
      await closing?.();
      closing = undefined;
    });

    it("chat and chatStream: the stream follows the event protocol and rebuilds the chat answer", async () => {
      const g = await setup();
      const answer = await g.chat(messages, { model: served });
      expect(typeof answer.content).toBe("string");
      expect(answer.content.length).toBeGreaterThan(0);
      expect(answer.finishReason).toBe("stop");
      const events: ChatEvent[] = await collect(g.chatStream(messages, { model: served }));
      const rebuilt = assertChatEventProtocol(events);
      expect(rebuilt.content).toBe(answer.content);
      expect(rebuilt.finishReason).toBe(answer.finishReason);
    });

    it("generate and generateStream: text events then one done, rebuilding the generate answer", async () => {
      const g = await setup();
      const answer = await g.generate("Once upon a time", { model: served, maxTokens: 16 });
      expect(answer.text.length).toBeGreaterThan(0);
      const events: GenerateEvent[] = await collect(
        g.generateStream("Once upon a time", { model: served, maxTokens: 16 }),
      );
      expect(events.at(-1)?.type).toBe("done");
      expect(events.filter((event) => event.type === "done")).toHaveLength(1);
      const text = events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
      expect(text).toBe(answer.text);
    });

    it("embed and embedBatch: vectors of the stated dimensions, a batch matching its singles", async () => {
      const g = await setup();
      const one = await g.embed("conformance", served);
      expect(one.values.length).toBe(one.dimensions);
      expect(one.values.every((value) => Number.isFinite(value))).toBe(true);
      const batch = await g.embedBatch(["conformance", "other"], served);
      expect(batch).toHaveLength(2);
      for (const [index, value] of batch[0]!.values.entries()) {
        expect(value).toBeCloseTo(one.values[index]!, 5);
      }
    });

    it("inferNli and inferNliBatch: scores summing to about 1, the label the highest, a batch matching its singles", async () => {
      const g = await setup();
      const single = await g.inferNli("A cat sits.", "An animal sits.", served);
      expect(single.entailment + single.contradiction + single.neutral).toBeCloseTo(1, 3);
      const top = Math.max(single.entailment, single.contradiction, single.neutral);
      expect(single[single.label]).toBe(top);
      const batch = await g.inferNliBatch(
        [
          { premise: "A cat sits.", hypothesis: "An animal sits." },
          { premise: "It rains.", hypothesis: "It is not raining." },
        ],
        served,
      );
      expect(batch).toHaveLength(2);
      expect(batch[0]!.label).toBe(single.label);
      expect(batch[0]!.entailment).toBeCloseTo(single.entailment, 5);
    });

    it("classifyZeroShot and classifyStance: a score per label, the top one named", async () => {
      const g = await setup();
      const labels = ["positive", "negative"];
      const zeroShot = await g.classifyZeroShot("I love it", labels, served);
      expect(Object.keys(zeroShot.scores).sort()).toEqual([...labels].sort());
      expect(labels).toContain(zeroShot.topLabel);
      expect(zeroShot.confidence).toBeCloseTo(zeroShot.scores[zeroShot.topLabel]!, 5);
      const stance = await g.classifyStance("Taxes must fall", "lower taxes", served);
      expect(["favor", "against", "neutral"]).toContain(stance.label);
      expect(stance.target).toBe("lower taxes");
      expect(stance.favor + stance.against + stance.neutral).toBeCloseTo(1, 3);
    });

    it("countTokens and tokenize: a positive count, tokens with offsets into the text", async () => {
      const g = await setup();
      const text = "héllo wörld tokens";
      const count = await g.countTokens(text, served);
      expect(Number.isSafeInteger(count.count) && count.count > 0).toBe(true);
      expect(typeof count.source).toBe("string");
      const tokenization = await g.tokenize(text, served);
      assertTokens(tokenization.tokens, text);
    });

    it("fitsContext: the margin within the listed model's window", async () => {
      const g = await setup();
      await g.fetchModelMetadata(listed);
      const fit = await g.fitsContext(messages, listed, { reserveOutput: 100 });
      expect(fit).toMatchObject({ fits: true, contextWindow: 8192, reserveOutput: 100 });
      expect(fit.margin).toBe(8192 - fit.promptTokens - 100);
      const over = await g.fitsContext(messages, listed, { contextWindow: 1 });
      expect(over.fits).toBe(false);
      expect(over.overflow).toBe(over.promptTokens - 1);
    });

    it("listModels, modelStatus, fetchModelMetadata: the listed model known, an unserved one unavailable", async () => {
      const g = await setup();
      const listing = await g.listModels();
      expect(listing.models.map((model) => model.id)).toContain(listed);
      expect(listing.failures).toEqual([]);
      expect((await g.modelStatus(listed)).state).not.toBe("unavailable");
      expect((await g.modelStatus(unserved)).state).toBe("unavailable");
      const metadata = await g.fetchModelMetadata(listed);
      expect(metadata.info.context_window).toBe(8192);
    });

    it("modelMetadata: what fetchModelMetadata learned", async () => {
      const g = await setup();
      const fetched = await g.fetchModelMetadata(listed);
      expect(g.modelMetadata(listed)?.info.context_window).toBe(fetched.info.context_window);
    });

    it("capabilities: every capability of the mock, served by it", async () => {
      const g = await setup();
      const capabilities = g.capabilities();
      expect(capabilities).toBeDefined();
      expect(JSON.stringify(capabilities)).toContain("mock");
    });

    for (const [title, call] of Object.entries(BAD_INPUT)) {
      it(`invalid_input naming the field, nothing sent: ${title}`, async () => {
        const g = await setup();
        const error = await failure(() => call(g));
        expect(error.code).toBe("invalid_input");
        expect(typeof error.details?.field).toBe("string");
        expect(mock.calls).toHaveLength(0);
      });
    }

    it("a provider's error arrives typed, with its code", async () => {
      const g = await setup();
      mock.failNext("embed", mockError("authentication", "mock: bad key"));
      expect((await failure(() => g.embed("x", served))).code).toBe("authentication");
      mock.failNext("chat", mockError("content_filtered", "mock: filtered"));
      expect((await failure(() => g.chat(messages, { model: served }))).code).toBe(
        "content_filtered",
      );
    });

    it("a stream failing after content: the content, then the typed error, never done", async () => {
      const g = await setup();
      mock.enqueueStream({
        events: [{ type: "content", text: "partial" }],
        error: mockError("stream", "mock: the stream broke"),
      });
      const events: ChatEvent[] = [];
      const error = await failure(async () => {
        for await (const event of g.chatStream(messages, { model: served })) events.push(event);
      });
      expect(error.code).toBe("stream");
      expect(events.filter((event) => event.type === "content")).toEqual([
        { type: "content", text: "partial" },
      ]);
      expect(events.some((event) => event.type === "done")).toBe(false);
    });

    it("aborted before the call: aborted, and the provider never called", async () => {
      const g = await setup();
      const controller = new AbortController();
      controller.abort();
      const error = await failure(() =>
        g.chat(messages, { model: served, signal: controller.signal }),
      );
      expect(error.code).toBe("aborted");
      expect(mock.calls).toHaveLength(0);
    });

    it("aborted while streaming: aborted, never done, and the provider's call aborted too", async () => {
      const g = await setup();
      mock.enqueueStream({ events: [{ type: "content", text: "never" }], delayMs: 60_000 });
      const controller = new AbortController();
      const events: ChatEvent[] = [];
      const ended = failure(async () => {
        for await (const event of g.chatStream(messages, {
          model: served,
          signal: controller.signal,
        })) {
          events.push(event);
        }
      });
      await expect.poll(() => mock.calls.length).toBe(1);
      controller.abort();
      expect((await ended).code).toBe("aborted");
      expect(events.some((event) => event.type === "done")).toBe(false);
      await expect.poll(() => mock.calls[0]?.signal.aborted).toBe(true);
    });

    it("timeout: the call's deadline ends a call the provider holds", async () => {
      const g = await setup();
      mock.enqueueStream({
        events: [{ type: "content", text: "never" }],
        delayMs: 60_000,
      });
      const error = await failure(() => g.chat(messages, { model: served, timeout: 100 }));
      expect(error.code).toBe("timeout");
      await expect.poll(() => mock.calls[0]?.signal.aborted).toBe(true);
    });
  });
}
