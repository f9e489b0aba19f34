/**
 * The provider conformance suite (`@ratatoskr/testing/conformance`). Every
 * provider package runs it against
 * its own fixtures:
 *
 * ```ts
 * runProviderConformance({
 *   name: "openrouter",
 *   createProvider: () => createOpenRouter({ apiKey: "test-key", fetch }),
 *   scenarios: { chat: { prepare: () => serve("chat.sse"), messages, options } },
 *   skip: { embed: "OpenRouter serves no embeddings" },
 * });
 * ```
 *
 * A scenario the provider's capabilities call for but that is neither given
 * nor skipped with a reason is a failing test: skips always carry reasons.
 *
 * The entry also carries the test helpers that need vitest:
 * `useOpenAIWireMockServer` (a mock per test file, reset after each test) and
 * `drain` / `replay` / `failure` for chat streams and typed errors.
 */
import {
  CAPABILITIES,
  type CallOptions,
  type ChatEvent,
  type ChatOptions,
  ChatStreamAccumulator,
  type ClassifyOptions,
  collectChatStream,
  type ErrorCode,
  type Message,
  type NliPair,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
  toAssistantMessage,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { drain } from "./chat-stream-test-helpers.ts";
import { expectNoSecret } from "./expect-no-secret.ts";

export { drain, failure, replay } from "./chat-stream-test-helpers.ts";
export { useOpenAIWireMockServer } from "./use-openai-wire-mock-server.ts";

/** Common part of a scenario: `prepare` arranges the upstream (nock, fake server) for one call. */
export interface ScenarioBase {
  prepare?: () => void | Promise<void>;
  /** Checked after the call (e.g. that every nock interceptor was used). */
  verify?: () => void | Promise<void>;
}

/** A chat scenario: the request, and what the answer must contain. */
export interface ChatScenario extends ScenarioBase {
  messages: Message[];
  options: ChatOptions;
  /** Exact expected content, when the fixture fixes it. */
  expectContent?: string;
  /** Expected tool call names, in order (for tool scenarios). */
  expectToolCalls?: string[];
  /** Expected server tool call names, in order (for the server tool scenario). */
  expectServerToolCalls?: string[];
}

/** An error scenario: any call that must reject with `code`. */
export interface ErrorScenario extends ScenarioBase {
  call: (
    provider: ProviderPlugin,
    options: CallOptions,
  ) => Promise<unknown> | AsyncIterable<unknown>;
  code: ErrorCode;
  /**
   * A secret that must appear nowhere in the error: no rendering of it or of
   * its cause chain ({@link expectNoSecret}: `util.inspect`, `String`, stack,
   * `JSON.stringify`), not even a cut-off piece.
   */
  secret?: string;
}

/** Scenarios, by check name. */
export interface ConformanceScenarios {
  chat?: ChatScenario;
  chatStream?: ChatScenario;
  toolCalls?: ChatScenario;
  /**
   * A stream in which the provider runs tools itself (web search, code
   * execution, MCP) and then answers: optional, for providers that have them.
   */
  serverTools?: ChatScenario;
  embed?: ScenarioBase & { text: string; model: string; dimensions?: number };
  embedBatch?: ScenarioBase & { texts: string[]; model: string };
  nli?: ScenarioBase & { premise: string; hypothesis: string; model: string };
  nliBatch?: ScenarioBase & { pairs: NliPair[]; model: string };
  classify?: ScenarioBase & { text: string; labels: string[]; model: string; multiLabel?: boolean };
  countTokens?: ScenarioBase & { text: string; model: string; expectCount?: number };
  /** Errors the provider must map (authentication, rate limit, …). */
  errors?: Record<string, ErrorScenario>;
  /** A chat stream to abort mid-way: needs an upstream slow enough to abort. */
  abort?: ChatScenario;
}

/** A check name: a scenario key. */
export type ConformanceCheck = Exclude<keyof ConformanceScenarios, "errors">;

/** Options of {@link runProviderConformance}. */
export interface ConformanceOptions {
  name: string;
  createProvider: () => ProviderPlugin | Promise<ProviderPlugin>;
  scenarios: ConformanceScenarios;
  /** Checks that do not apply, each with the reason. */
  skip?: Partial<Record<ConformanceCheck, string>>;
}

const REQUIRED: Record<string, ConformanceCheck[]> = {
  chat: ["chat", "chatStream", "toolCalls", "abort"],
  embed: ["embed", "embedBatch"],
  nli: ["nli", "nliBatch"],
  classify: ["classify"],
  countTokens: ["countTokens"],
  generate: [],
};

/** Assert that a chat event sequence follows the protocol; returns the rebuilt response. */
export function assertChatEventProtocol(events: ChatEvent[]) {
  expect(events.length).toBeGreaterThan(0);
  const last = events[events.length - 1]!;
  expect(last.type, "the last event must be done").toBe("done");
  expect(
    events.filter((event) => event.type === "done"),
    "exactly one done",
  ).toHaveLength(1);
  const started = new Set<number>();
  const ended = new Set<number>();
  const serverCalls = new Set<string>();
  for (const event of events) {
    if (event.type === "server_tool_call") {
      expect(
        typeof event.call.id === "string" && event.call.id.length > 0,
        "server tool call id",
      ).toBe(true);
      expect(
        typeof event.call.name === "string" && event.call.name.length > 0,
        "server tool name",
      ).toBe(true);
      serverCalls.add(event.call.id);
    }
    if (event.type === "server_tool_result") {
      expect(typeof event.result.toolCallId, "server tool result toolCallId").toBe("string");
    }
    if (event.type === "tool_call_start") {
      expect(started.has(event.index), `tool call ${event.index} started once`).toBe(false);
      started.add(event.index);
      expect(typeof event.id === "string" && event.id.length > 0, "tool call id").toBe(true);
      expect(event.name.length).toBeGreaterThan(0);
    }
    if (event.type === "tool_call_delta") {
      expect(started.has(event.index) && !ended.has(event.index), "delta inside its call").toBe(
        true,
      );
    }
    if (event.type === "tool_call_end") {
      expect(started.has(event.index) && !ended.has(event.index), "end after start, once").toBe(
        true,
      );
      ended.add(event.index);
      expect(event.parsedArguments, "tool_call_end carries the parsed arguments").toEqual(
        JSON.parse(event.arguments === "" ? "{}" : event.arguments),
      );
    }
  }
  expect([...started].sort(), "every started tool call ended").toEqual([...ended].sort());
  for (const event of events) {
    if (event.type === "tool_call_start") {
      expect(serverCalls.has(event.id), `tool call ${event.id} is not a server tool call`).toBe(
        false,
      );
    }
  }
  const accumulator = new ChatStreamAccumulator();
  for (const event of events) accumulator.push(event);
  const response = accumulator.toResponse();
  for (const call of response.toolCalls) {
    expect(
      () => JSON.parse(call.arguments),
      `tool call ${call.name} arguments are JSON`,
    ).not.toThrow();
  }
  return response;
}

function withSignal<T extends CallOptions>(options: T): T & { signal: AbortSignal } {
  return { ...options, signal: options.signal ?? new AbortController().signal };
}

async function run<T>(scenario: ScenarioBase, body: () => Promise<T>): Promise<T> {
  await scenario.prepare?.();
  const result = await body();
  await scenario.verify?.();
  return result;
}

/** Register the conformance tests for one provider (call inside a test file). */
export function runProviderConformance(options: ConformanceOptions): void {
  const { scenarios, skip = {} } = options;

  describe(`provider conformance: ${options.name}`, () => {
    it("declares the v1 contract, an id and known capabilities", async () => {
      const provider = await options.createProvider();
      expect(provider.specificationVersion).toBe(PROVIDER_SPECIFICATION_VERSION);
      expect(provider.id).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
      expect(provider.capabilities.length).toBeGreaterThan(0);
      for (const capability of provider.capabilities) expect(CAPABILITIES).toContain(capability);
      const implemented: Record<string, boolean> = {
        chat: Boolean(provider.chat || provider.chatStream),
        generate: Boolean(provider.generate || provider.generateStream),
        embed: Boolean(provider.embed || provider.embedBatch),
        nli: Boolean(provider.inferNli || provider.inferNliBatch),
        classify: Boolean(provider.classifyZeroShot),
        countTokens: Boolean(provider.countTokens),
      };
      for (const capability of provider.capabilities) {
        expect(implemented[capability], `${capability} is implemented`).toBe(true);
      }
    });

    it("lists a scenario or a skip reason for every check its capabilities need", async () => {
      const provider = await options.createProvider();
      const missing: string[] = [];
      for (const capability of provider.capabilities) {
        for (const check of REQUIRED[capability] ?? []) {
          if (scenarios[check] === undefined && !skip[check]) missing.push(check);
        }
      }
      expect(missing, "checks with neither scenario nor skip reason").toEqual([]);
      for (const [check, reason] of Object.entries(skip)) {
        expect(reason?.trim().length, `skip of ${check} needs a reason`).toBeGreaterThan(0);
      }
    });

    const check = (name: ConformanceCheck, title: string, body: () => Promise<void>) => {
      const reason = skip[name];
      // A check the provider declared inapplicable is reported as skipped, with its reason in the title.
      if (reason || scenarios[name] !== undefined) {
        it.skipIf(Boolean(reason))(reason ? `${title} (skipped: ${reason})` : title, body);
      }
    };

    check("chat", "chat returns a complete response", async () => {
      const scenario = scenarios.chat!;
      const provider = await options.createProvider();
      const response = await run(scenario, async () => {
        const chatOptions = withSignal(scenario.options);
        if (provider.chat) return provider.chat(scenario.messages, chatOptions);
        return collectChatStream(
          provider.chatStream!(scenario.messages, chatOptions),
          chatOptions.signal,
        );
      });
      expect(typeof response.content).toBe("string");
      expect(["stop", "length", "tool_calls", "content_filter", "pause", "other"]).toContain(
        response.finishReason,
      );
      if (scenario.expectContent !== undefined)
        expect(response.content).toBe(scenario.expectContent);
      if (response.usage !== undefined) {
        expect(response.usage.totalTokens).toBeGreaterThanOrEqual(0);
      }
    });

    check(
      "chatStream",
      "chatStream follows the event protocol and ends with one done",
      async () => {
        const scenario = scenarios.chatStream!;
        const provider = await options.createProvider();
        const events = await run(scenario, () =>
          drain(provider.chatStream!(scenario.messages, withSignal(scenario.options))),
        );
        const response = assertChatEventProtocol(events);
        if (scenario.expectContent !== undefined)
          expect(response.content).toBe(scenario.expectContent);
        for (const event of events) {
          if (event.type === "usage") {
            expect(Number.isInteger(event.usage.promptTokens)).toBe(true);
          }
        }
      },
    );

    check(
      "toolCalls",
      "tool calls stream start → deltas → end with complete JSON arguments",
      async () => {
        const scenario = scenarios.toolCalls!;
        const provider = await options.createProvider();
        const events = await run(scenario, () =>
          drain(provider.chatStream!(scenario.messages, withSignal(scenario.options))),
        );
        const response = assertChatEventProtocol(events);
        expect(response.toolCalls.length).toBeGreaterThan(0);
        if (scenario.expectToolCalls)
          expect(response.toolCalls.map((call) => call.name)).toEqual(scenario.expectToolCalls);
        expect(response.finishReason).toBe("tool_calls");
      },
    );

    check(
      "serverTools",
      "server tool calls stream as server_tool_call / server_tool_result, never as client tool calls, and the text after them keeps streaming",
      async () => {
        const scenario = scenarios.serverTools!;
        const provider = await options.createProvider();
        const events = await run(scenario, () =>
          drain(provider.chatStream!(scenario.messages, withSignal(scenario.options))),
        );
        const response = assertChatEventProtocol(events);
        const calls = events.flatMap((event) =>
          event.type === "server_tool_call" ? [event.call] : [],
        );
        expect(calls.length, "at least one server tool call").toBeGreaterThan(0);
        if (scenario.expectServerToolCalls)
          expect(calls.map((call) => call.name)).toEqual(scenario.expectServerToolCalls);
        const clientIds = new Set(response.toolCalls.map((call) => call.id));
        for (const call of calls)
          expect(clientIds.has(call.id), `${call.id} is not a client call`).toBe(false);
        events.forEach((event, position) => {
          if (event.type !== "server_tool_result") return;
          const callAt = events.findIndex(
            (other) =>
              other.type === "server_tool_call" && other.call.id === event.result.toolCallId,
          );
          if (callAt !== -1) expect(callAt, "a result comes after its call").toBeLessThan(position);
        });
        const lastServerEvent = events.findLastIndex((event) =>
          event.type.startsWith("server_tool"),
        );
        expect(
          events.slice(lastServerEvent).some((event) => event.type === "content"),
          "text streams after the server tools",
        ).toBe(true);
        expect(response.serverToolCalls?.map((call) => call.id)).toEqual(
          calls.map((call) => call.id),
        );
        expect(toAssistantMessage(response).serverToolCalls).toEqual(response.serverToolCalls);
      },
    );

    check("abort", "aborting mid-stream ends the stream with an aborted error", async () => {
      const scenario = scenarios.abort!;
      const provider = await options.createProvider();
      await scenario.prepare?.();
      const controller = new AbortController();
      const seen: ChatEvent[] = [];
      const outcome = await (async () => {
        try {
          for await (const event of provider.chatStream!(scenario.messages, {
            ...scenario.options,
            signal: controller.signal,
          })) {
            seen.push(event);
            if (seen.length === 1) controller.abort();
          }
          return undefined;
        } catch (error) {
          return error;
        }
      })();
      expect(seen.filter((event) => event.type === "done")).toHaveLength(0);
      expect(RatatoskrError.isInstance(outcome, "aborted"), `got ${String(outcome)}`).toBe(true);
      // An already-aborted signal rejects before anything is delivered.
      const already = new AbortController();
      already.abort();
      await expect(
        drain(
          provider.chatStream!(scenario.messages, { ...scenario.options, signal: already.signal }),
        ),
      ).rejects.toSatisfy((error: unknown) => RatatoskrError.isInstance(error, "aborted"));
    });

    check("embed", "embed returns a vector whose dimensions match", async () => {
      const scenario = scenarios.embed!;
      const provider = await options.createProvider();
      const embedding = await run(scenario, async () =>
        provider.embed
          ? provider.embed(scenario.text, scenario.model, withSignal({}))
          : (await provider.embedBatch!([scenario.text], scenario.model, withSignal({})))[0]!,
      );
      expect(embedding.values.length).toBe(embedding.dimensions);
      if (scenario.dimensions !== undefined) expect(embedding.dimensions).toBe(scenario.dimensions);
      for (const value of embedding.values) expect(Number.isFinite(value)).toBe(true);
    });

    check(
      "embedBatch",
      "embedBatch returns one vector per text, in order, same dimensions",
      async () => {
        const scenario = scenarios.embedBatch!;
        const provider = await options.createProvider();
        const embeddings = await run(scenario, () =>
          provider.embedBatch!(scenario.texts, scenario.model, withSignal({})),
        );
        expect(embeddings).toHaveLength(scenario.texts.length);
        const dimensions = embeddings[0]!.dimensions;
        for (const embedding of embeddings) {
          expect(embedding.dimensions).toBe(dimensions);
          expect(embedding.values).toHaveLength(dimensions);
        }
      },
    );

    const checkNli = (result: {
      entailment: number;
      contradiction: number;
      neutral: number;
      label: string;
    }) => {
      const { entailment, contradiction, neutral } = result;
      for (const score of [entailment, contradiction, neutral]) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
      expect(entailment + contradiction + neutral).toBeCloseTo(1, 2);
      const best = Math.max(entailment, contradiction, neutral);
      expect(result[result.label as "entailment"]).toBe(best);
    };

    check("nli", "inferNli returns three scores summing to 1 and the argmax label", async () => {
      const scenario = scenarios.nli!;
      const provider = await options.createProvider();
      const result = await run(scenario, async () =>
        provider.inferNli
          ? provider.inferNli(scenario.premise, scenario.hypothesis, scenario.model, withSignal({}))
          : (
              await provider.inferNliBatch!(
                [{ premise: scenario.premise, hypothesis: scenario.hypothesis }],
                scenario.model,
                withSignal({}),
              )
            )[0]!,
      );
      checkNli(result);
    });

    check("nliBatch", "inferNliBatch returns one result per pair, in order", async () => {
      const scenario = scenarios.nliBatch!;
      const provider = await options.createProvider();
      const results = await run(scenario, () =>
        provider.inferNliBatch!(scenario.pairs, scenario.model, withSignal({})),
      );
      expect(results).toHaveLength(scenario.pairs.length);
      results.forEach(checkNli);
    });

    check("classify", "classifyZeroShot scores every label and reports the top one", async () => {
      const scenario = scenarios.classify!;
      const provider = await options.createProvider();
      const result = await run(scenario, () =>
        provider.classifyZeroShot!(
          scenario.text,
          scenario.labels,
          scenario.model,
          withSignal<ClassifyOptions>({ multiLabel: scenario.multiLabel ?? false }),
        ),
      );
      expect(Object.keys(result.scores).sort()).toEqual([...scenario.labels].sort());
      const best = Math.max(...Object.values(result.scores));
      expect(result.scores[result.topLabel]).toBe(best);
      expect(result.confidence).toBe(best);
      if (!scenario.multiLabel) {
        expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      }
    });

    check(
      "countTokens",
      "countTokens returns a non-negative integer and says whether it is exact",
      async () => {
        const scenario = scenarios.countTokens!;
        const provider = await options.createProvider();
        const count = await run(scenario, () =>
          provider.countTokens!(scenario.text, scenario.model, withSignal({})),
        );
        expect(Number.isInteger(count.count)).toBe(true);
        expect(count.count).toBeGreaterThanOrEqual(0);
        expect(typeof count.approximate).toBe("boolean");
        expect(count.source.length).toBeGreaterThan(0);
        if (scenario.expectCount !== undefined) expect(count.count).toBe(scenario.expectCount);
      },
    );

    for (const [title, scenario] of Object.entries(scenarios.errors ?? {})) {
      it(`maps ${title} to a typed "${scenario.code}" error without leaking secrets`, async () => {
        const provider = await options.createProvider();
        await scenario.prepare?.();
        let caught: unknown;
        try {
          const result = scenario.call(provider, withSignal({}));
          if (
            result &&
            typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
          ) {
            for await (const _ of result as AsyncIterable<unknown>) {
              // drain until the error
            }
          } else {
            await result;
          }
        } catch (error) {
          caught = error;
        }
        await scenario.verify?.();
        expect(
          RatatoskrError.isInstance(caught),
          `expected a RatatoskrError, got ${String(caught)}`,
        ).toBe(true);
        const error = caught as RatatoskrError;
        expect(error.code).toBe(scenario.code);
        if (scenario.secret !== undefined) expectNoSecret(error, scenario.secret);
      });
    }
  });
}
