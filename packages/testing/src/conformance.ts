/**
 * The provider conformance suite (`@ratatoskr/testing/conformance`), for
 * the provider specification v1. It calls a `ProviderV1` directly with v1
 * requests — no gateway — and every provider package runs it against its
 * own fixtures:
 *
 * ```ts
 * runProviderConformance({
 *   name: "openrouter",
 *   createProvider: () => createOpenRouter({ apiKey: CANARY, fetch }),
 *   descriptor: openrouterDescriptor,
 *   scenarios: {
 *     chat: { prepare: () => serve("chat.sse"), model: "openai/gpt-4o-mini", messages },
 *     warnings: { prepare: () => serve("chat.sse"), model, messages, unsupportedSettings: { topK: 40 } },
 *   },
 *   skip: { embed: "OpenRouter serves no embeddings" },
 * });
 * ```
 *
 * A check the provider's capabilities call for that has neither a scenario
 * nor a skip with a reason is a failing test: skips always carry reasons.
 *
 * The entry also carries the test helpers that need vitest:
 * `useOpenAIWireMockServer` (a mock per test file, reset after each test) and
 * `drain` / `replay` / `failure` for streams and typed errors.
 */
import {
  type CallRequestV1,
  type Capability,
  type ChatEvent,
  type ChatRequestV1,
  type ChatResponse,
  type ChatResultV1,
  type ChatSettingsV1,
  ChatStreamAccumulator,
  type ChatStreamPartV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  collectChatStreamParts,
  collectGenerationStreamParts,
  type EmbeddingRequestV1,
  type ErrorCode,
  type GenerationRequestV1,
  type GenerationResultV1,
  type GenerationSettingsV1,
  type GenerationStreamPartV1,
  type Message,
  type NliPair,
  type NliRequestV1,
  type ProviderDescriptorV1,
  type ProviderV1,
  RatatoskrError,
  type ResultMetadataV1,
  type TokenCountingRequestV1,
  toAssistantMessage,
  type WarningV1,
} from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { drain } from "./chat-stream-test-helpers.ts";
import { expectNoSecret } from "./expect-no-secret.ts";
import {
  checkCatalogAbort,
  checkFetchModelMetadata,
  checkListModels,
  checkModelStatus,
  type ModelCatalogScenario,
  missingCatalogScenarios,
} from "./model-catalog-conformance.ts";

export { drain, failure, replay } from "./chat-stream-test-helpers.ts";
export * from "./gateway-conformance.ts";
export * from "./model-catalog-conformance.ts";
export { useOpenAIWireMockServer } from "./use-openai-wire-mock-server.ts";

/** Common part of a scenario: `prepare` arranges the upstream (nock, fake server) for one call. */
export interface ScenarioBase {
  /** Arrange the upstream for the call; runs after the provider is created, before the call. */
  prepare?: () => void | Promise<void>;
  /** Checked after the call (e.g. that every nock interceptor was used). */
  verify?: () => void | Promise<void>;
}

/** What every request of a scenario may set besides its payload. */
export interface RequestScenario extends ScenarioBase {
  /** The model, without a `provider:` prefix (the gateway strips it). */
  model: string;
  /** This provider's own options entry (default none). */
  providerOptions?: Record<string, unknown>;
}

/** A chat scenario: the request, and what the answer must contain. */
export interface ChatScenario extends RequestScenario {
  /** The conversation sent. */
  messages: Message[];
  /** The standard settings sent (default none). */
  settings?: ChatSettingsV1;
  /** Exact expected content, when the fixture fixes it. */
  expectContent?: string;
  /** Expected tool call names, in order (for tool scenarios). */
  expectToolCalls?: string[];
  /** Expected server tool call names, in order (for the server tool scenario). */
  expectServerToolCalls?: string[];
}

/** A generation scenario. */
export interface GenerationScenario extends RequestScenario {
  /** The prompt sent. */
  prompt: string;
  /** The standard settings sent (default none). */
  settings?: GenerationSettingsV1;
  /** Exact expected text, when the fixture fixes it. */
  expectText?: string;
}

/**
 * Settings the provider does not support, each of which must come back as
 * an `unsupported_setting` warning naming it — never silence. The suite
 * sends them one at a time on the scenario's request (`prepare` runs before
 * each call). When the capability has `warningsFor`, it must report the same
 * warning before anything is sent, and report nothing the call does not.
 */
export interface ChatWarningScenario extends ChatScenario {
  /** The settings the provider does not support, with a value to send for each. */
  unsupportedSettings: Partial<ChatSettingsV1>;
  /** A provider option the provider does not know: must come back as an `unknown_provider_option` warning. */
  unknownProviderOption?: string;
}

/** {@link ChatWarningScenario} for the generation capability. */
export interface GenerationWarningScenario extends GenerationScenario {
  /** The settings the provider does not support, with a value to send for each. */
  unsupportedSettings: Partial<GenerationSettingsV1>;
  /** A provider option the provider does not know: must come back as an `unknown_provider_option` warning. */
  unknownProviderOption?: string;
}

/**
 * A scenario of a capability without settings (embedding, NLI,
 * classification, token counting). When the capability has `warningsFor`,
 * what it reports for the scenario's request must come back from the call
 * too; with `unknownProviderOption`, the suite also sends that option and
 * expects an `unknown_provider_option` warning, reported by `warningsFor`
 * (when present) before anything is sent.
 */
export interface OptionWarningScenario extends RequestScenario {
  /** A provider option the provider does not know: must come back as an `unknown_provider_option` warning. */
  unknownProviderOption?: string;
}

/** An error scenario: any call that must reject (or whose stream must fail) with `code`. */
export interface ErrorScenario extends ScenarioBase {
  /** Make the call (a promise, or a stream the suite drains) that must fail. */
  call: (provider: ProviderV1, signal: AbortSignal) => Promise<unknown> | AsyncIterable<unknown>;
  /** The code the error must have. */
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
  /** `chat.complete` (or the collected stream when the provider has only `stream`). */
  chat?: ChatScenario;
  /** `chat.stream` follows the stream protocol. */
  chatStream?: ChatScenario;
  /** A chat whose answer calls tools (`expectToolCalls`): the calls' events and arguments are checked. */
  toolCalls?: ChatScenario;
  /**
   * A stream in which the provider runs tools itself (web search, code
   * execution, MCP) and then answers: optional, for providers that have them.
   */
  serverTools?: ChatScenario;
  /** A chat stream to abort mid-way: needs an upstream slow enough to abort. */
  abort?: ChatScenario;
  /** Unsupported chat settings come back as warnings. */
  warnings?: ChatWarningScenario;
  /** `generation.complete` (or the collected stream). */
  generate?: GenerationScenario;
  /** `generation.stream` follows the stream protocol. */
  generateStream?: GenerationScenario;
  /** Unsupported generation settings come back as warnings. */
  generationWarnings?: GenerationWarningScenario;
  /** One `embedding.embed` call for several texts. */
  embed?: OptionWarningScenario & {
    /** The texts. */
    values: string[];
    /** The vector size every embedding must have (default: the first one's). */
    dimensions?: number;
  };
  /** One `nli.infer` call for several pairs. */
  nli?: OptionWarningScenario & {
    /** The premise/hypothesis pairs. */
    pairs: NliPair[];
  };
  /** One `classification.classifyZeroShot` call. */
  classify?: OptionWarningScenario & {
    /** The text. */
    text: string;
    /** The candidate labels. */
    labels: string[];
    /** Score each label on its own (then scores need not sum to 1). */
    multiLabel?: boolean;
  };
  /** One `tokenCounting.countTokens` call. */
  countTokens?: OptionWarningScenario & {
    /** The text. */
    text: string;
    /** Exact expected count, when the fixture fixes it. */
    expectCount?: number;
  };
  /**
   * The model catalog (`provider.models`): the listing, and a metadata and a
   * status call where the catalog has those methods. Required when the
   * provider has `models`.
   */
  models?: ModelCatalogScenario;
  /** Errors the provider must map (authentication, rate limit, …). */
  errors?: Record<string, ErrorScenario>;
}

/** A check name: a scenario key, or `descriptor`. */
export type ConformanceCheck = Exclude<keyof ConformanceScenarios, "errors"> | "descriptor";

/** Options of {@link runProviderConformance}. */
export interface ConformanceOptions {
  /** The suite's name in the test report (`provider conformance: <name>`). */
  name: string;
  /** A fresh provider for each check, pointed at the upstream the scenarios arrange. */
  createProvider: () => ProviderV1 | Promise<ProviderV1>;
  /** The package's descriptor, checked against the provider (required unless skipped with a reason). */
  descriptor?: ProviderDescriptorV1<never>;
  /** The scenarios, by check; a capability the provider offers needs its checks' scenarios unless `skip` gives a reason. */
  scenarios: ConformanceScenarios;
  /** Checks that do not apply, each with the reason. */
  skip?: Partial<Record<ConformanceCheck, string>>;
  /**
   * Provider ids a provider must never look up in its own options entry
   * (which would mean it expects the whole keyed map). Default: the
   * first-party ids and `mock`; its own id and aliases are always included.
   */
  otherProviderIds?: readonly string[];
}

/** The capability objects of a provider, by capability. */
const CAPABILITY_OBJECTS: Readonly<Record<Capability, keyof ProviderV1>> = {
  chat: "chat",
  generate: "generation",
  embed: "embedding",
  nli: "nli",
  classify: "classification",
  countTokens: "tokenCounting",
};

const REQUIRED: Record<Capability, ConformanceCheck[]> = {
  chat: ["chat", "chatStream", "toolCalls", "abort", "warnings"],
  generate: ["generate", "generationWarnings"],
  embed: ["embed"],
  nli: ["nli"],
  classify: ["classify"],
  countTokens: ["countTokens"],
};

const FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter", "pause", "other"];

const DEFAULT_OTHER_PROVIDER_IDS = [
  "openai",
  "openrouter",
  "anthropic",
  "ollama",
  "huggingface",
  "hf",
  "local",
  "tokenizers",
  "mock",
];

const ID = /^[a-z0-9][a-z0-9._-]*$/;

/** The capabilities a provider offers: those whose capability object is present. */
export function offeredCapabilities(provider: ProviderV1): Capability[] {
  return (Object.keys(CAPABILITY_OBJECTS) as Capability[]).filter(
    (capability) => provider[CAPABILITY_OBJECTS[capability]] !== undefined,
  );
}

/** Assert that a chat event sequence (the user API's events) follows the protocol; returns the rebuilt response. */
export function assertChatEventProtocol(events: readonly ChatEvent[]): ChatResponse {
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

/** Assert that `warning` is a well-formed {@link WarningV1}. */
export function assertWarning(warning: WarningV1): void {
  const fields: Record<WarningV1["type"], string> = {
    unsupported_setting: "setting",
    unsupported_tool: "tool",
    unknown_provider_option: "option",
    other: "message",
    cache_unavailable: "store",
  };
  const field = fields[warning?.type];
  expect(field, `warning type ${JSON.stringify(warning?.type)}`).toBeDefined();
  const value = (warning as unknown as Record<string, unknown>)[field!];
  expect(typeof value === "string" && value.length > 0, `warning ${field} is a string`).toBe(true);
  const details = (warning as { details?: unknown }).details;
  if (details !== undefined) expect(typeof details, "warning details").toBe("string");
}

/** Assert the metadata fields of a provider result: optional strings, well-formed warnings. */
export function assertResultMetadata(result: ResultMetadataV1): void {
  if (result.response !== undefined) {
    if (result.response.model !== undefined) expect(typeof result.response.model).toBe("string");
    if (result.response.requestId !== undefined) {
      expect(typeof result.response.requestId).toBe("string");
    }
  }
  if (result.warnings !== undefined) {
    expect(Array.isArray(result.warnings), "warnings is an array").toBe(true);
    for (const warning of result.warnings) assertWarning(warning);
  }
}

/** What a checked chat stream carried. */
export interface CheckedChatStream {
  /** The answer rebuilt from the content parts. */
  response: ChatResponse;
  /** The content events, as the gateway would deliver them. */
  events: ChatEvent[];
  /** The `warning` parts of the stream. */
  warnings: WarningV1[];
}

/**
 * Assert that a provider's chat stream parts follow the protocol: content
 * events in order (tool calls start → deltas → end with JSON arguments),
 * well-formed `warning` and `response_metadata` parts, exactly one `done`,
 * last.
 */
export function assertChatStreamProtocol(parts: readonly ChatStreamPartV1[]): CheckedChatStream {
  const events: ChatEvent[] = [];
  const warnings: WarningV1[] = [];
  for (const part of parts) {
    if (part.type === "warning") {
      assertWarning(part.warning);
      warnings.push(part.warning);
    } else if (part.type === "response_metadata") {
      const { type: _type, ...metadata } = part;
      assertResultMetadata({ response: metadata });
    } else {
      events.push(part);
    }
  }
  expect(parts.at(-1)?.type, "the last part is done").toBe("done");
  return { response: assertChatEventProtocol(events), events, warnings };
}

function chatRequest(scenario: ChatScenario, signal: AbortSignal): ChatRequestV1 {
  return {
    model: scenario.model,
    messages: scenario.messages,
    settings: scenario.settings ?? {},
    providerOptions: scenario.providerOptions ?? {},
    signal,
  };
}

function generationRequest(scenario: GenerationScenario, signal: AbortSignal): GenerationRequestV1 {
  return {
    model: scenario.model,
    prompt: scenario.prompt,
    settings: scenario.settings ?? {},
    providerOptions: scenario.providerOptions ?? {},
    signal,
  };
}

async function run<T>(scenario: ScenarioBase, body: () => Promise<T>): Promise<T> {
  await scenario.prepare?.();
  const result = await body();
  await scenario.verify?.();
  return result;
}

/** A complete chat answer: `complete`, or the collected stream when the provider has only `stream`. */
function completeChat(provider: ProviderV1, request: ChatRequestV1): Promise<ChatResultV1> {
  const chat = provider.chat!;
  if (chat.complete) return chat.complete(request);
  return collectChatStreamParts(chat.stream!(request), request.signal);
}

function completeGeneration(
  provider: ProviderV1,
  request: GenerationRequestV1,
): Promise<GenerationResultV1> {
  const generation = provider.generation!;
  if (generation.complete) return generation.complete(request);
  return collectGenerationStreamParts(generation.stream!(request), request.signal);
}

const sortedJson = (warnings: readonly WarningV1[]) =>
  warnings.map((warning) => JSON.stringify(warning)).sort();

/**
 * Check one warning round: `warningsFor` (when present) reports nothing the
 * call does not, and reports `expected` when given.
 */
function expectWarningsAgree(
  returned: readonly WarningV1[],
  predicted: readonly WarningV1[] | undefined,
  expected: (warning: WarningV1) => boolean,
  what: string,
): void {
  for (const warning of returned) assertWarning(warning);
  expect(returned.some(expected), `${what} comes back as a warning, never silence`).toBe(true);
  if (predicted === undefined) return;
  for (const warning of predicted) assertWarning(warning);
  expect(
    predicted.some(expected),
    `warningsFor reports ${what} before anything is sent (strict mode relies on it)`,
  ).toBe(true);
  const returnedSet = new Set(sortedJson(returned));
  for (const warning of sortedJson(predicted)) {
    expect(returnedSet.has(warning), `warningsFor's ${warning} is also returned by the call`).toBe(
      true,
    );
  }
}

/** `warningsFor` (when present) reports only warnings the call returns too. */
function expectPredictedReturned(
  predicted: readonly WarningV1[] | undefined,
  returned: readonly WarningV1[],
): void {
  if (predicted === undefined) return;
  for (const warning of predicted) assertWarning(warning);
  const returnedSet = new Set(sortedJson(returned));
  for (const warning of sortedJson(predicted)) {
    expect(returnedSet.has(warning), `warningsFor's ${warning} is also returned by the call`).toBe(
      true,
    );
  }
}

/**
 * The warning checks of a capability without settings: `warningsFor` agrees
 * with the scenario's call (already made: `result`), then, with
 * `unknownProviderOption`, an unknown option comes back as a warning.
 */
async function checkOptionWarnings<Request extends CallRequestV1>(
  scenario: OptionWarningScenario,
  request: Request,
  predicted: readonly WarningV1[] | undefined,
  result: { readonly warnings?: readonly WarningV1[] },
  warningsFor: ((request: Request) => readonly WarningV1[]) | undefined,
  send: (request: Request) => Promise<{ readonly warnings?: readonly WarningV1[] }>,
): Promise<void> {
  expectPredictedReturned(predicted, result.warnings ?? []);
  const option = scenario.unknownProviderOption;
  if (option === undefined) return;
  const withOption: Request = {
    ...request,
    providerOptions: { ...request.providerOptions, [option]: true },
    signal: new AbortController().signal,
  };
  const predictedOption = warningsFor?.(withOption);
  const answered = await run(scenario, () => send(withOption));
  expectWarningsAgree(
    answered.warnings ?? [],
    predictedOption,
    (warning) => warning.type === "unknown_provider_option" && warning.option === option,
    `the unknown provider option ${option}`,
  );
}

/** Register the conformance tests for one provider (call inside a test file). */
export function runProviderConformance(options: ConformanceOptions): void {
  const { scenarios, skip = {} } = options;

  describe(`provider conformance: ${options.name}`, () => {
    it("implements the v1 specification: an id, and one object per capability with its methods", async () => {
      const provider = await options.createProvider();
      expect(provider.specificationVersion).toBe("v1");
      expect(provider.id).toMatch(ID);
      for (const alias of provider.aliases ?? []) expect(alias).toMatch(ID);
      const offered = offeredCapabilities(provider);
      expect(offered.length, "offers at least one capability").toBeGreaterThan(0);
      if (provider.chat) {
        expect(
          typeof provider.chat.complete === "function" ||
            typeof provider.chat.stream === "function",
          "chat has complete or stream",
        ).toBe(true);
      }
      if (provider.generation) {
        expect(
          typeof provider.generation.complete === "function" ||
            typeof provider.generation.stream === "function",
          "generation has complete or stream",
        ).toBe(true);
      }
      if (provider.embedding) expect(typeof provider.embedding.embed).toBe("function");
      if (provider.nli) expect(typeof provider.nli.infer).toBe("function");
      if (provider.classification) {
        expect(typeof provider.classification.classifyZeroShot).toBe("function");
      }
      if (provider.tokenCounting)
        expect(typeof provider.tokenCounting.countTokens).toBe("function");
      for (const parallel of [
        provider.embedding?.maxParallelCalls,
        provider.nli?.maxParallelCalls,
      ]) {
        if (parallel === undefined || parallel === Number.POSITIVE_INFINITY) continue;
        expect(Number.isInteger(parallel) && parallel >= 1, "maxParallelCalls").toBe(true);
      }
      if (provider.supports !== undefined) expect(typeof provider.supports).toBe("function");
    });

    it("lists a scenario or a skip reason for every check its capabilities need", async () => {
      const provider = await options.createProvider();
      const missing: string[] = [];
      for (const capability of offeredCapabilities(provider)) {
        for (const check of REQUIRED[capability]) {
          if (scenarios[check as keyof ConformanceScenarios] === undefined && !skip[check]) {
            missing.push(check);
          }
        }
      }
      if (options.descriptor === undefined && !skip.descriptor) missing.push("descriptor");
      if (provider.models !== undefined && !skip.models) {
        missing.push(...missingCatalogScenarios(provider.models, scenarios.models));
      }
      expect(missing, "checks with neither scenario nor skip reason").toEqual([]);
      for (const [check, reason] of Object.entries(skip)) {
        expect(reason?.trim().length, `skip of ${check} needs a reason`).toBeGreaterThan(0);
      }
    });

    const check = (name: ConformanceCheck, title: string, body: () => Promise<void>) => {
      const reason = skip[name];
      const given =
        name === "descriptor"
          ? options.descriptor !== undefined
          : scenarios[name as keyof ConformanceScenarios] !== undefined;
      // A check the provider declared inapplicable is reported as skipped, with its reason in the title.
      if (reason || given) {
        it.skipIf(Boolean(reason))(reason ? `${title} (skipped: ${reason})` : title, body);
      }
    };

    check(
      "descriptor",
      "its descriptor matches the provider: id, capabilities, package, routing hints",
      async () => {
        const descriptor = options.descriptor!;
        const provider = await options.createProvider();
        expect(descriptor.specificationVersion).toBe("v1");
        expect(descriptor.id, "the descriptor's id is the provider's").toBe(provider.id);
        for (const alias of descriptor.aliases ?? []) expect(alias).toMatch(ID);
        expect(descriptor.displayName.trim().length, "displayName").toBeGreaterThan(0);
        expect(descriptor.packageName).toMatch(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/);
        for (const capability of offeredCapabilities(provider)) {
          expect(descriptor.capabilities, `the descriptor lists ${capability}`).toContain(
            capability,
          );
        }
        for (const [setting, variable] of Object.entries(descriptor.environment ?? {})) {
          expect(
            typeof variable === "string" && variable.length > 0,
            `environment.${setting}`,
          ).toBe(true);
        }
        if (descriptor.isConfigured !== undefined) {
          expect(typeof descriptor.isConfigured({})).toBe("boolean");
        }
        for (const hint of descriptor.routing ?? []) {
          expect(hint.pattern, "a routing hint's pattern is a RegExp").toBeInstanceOf(RegExp);
          expect(Number.isFinite(hint.priority), "a routing hint's priority").toBe(true);
          expect(hint.reason.trim().length, "a routing hint's reason").toBeGreaterThan(0);
          for (const capability of hint.capabilities ?? []) {
            expect(descriptor.capabilities).toContain(capability);
          }
        }
        expect(typeof descriptor.create).toBe("function");
      },
    );

    check("chat", "chat returns a complete answer with metadata", async () => {
      const scenario = scenarios.chat!;
      const provider = await options.createProvider();
      const result = await run(scenario, () =>
        completeChat(provider, chatRequest(scenario, new AbortController().signal)),
      );
      expect(typeof result.content).toBe("string");
      expect(Array.isArray(result.toolCalls), "toolCalls is an array").toBe(true);
      expect(FINISH_REASONS).toContain(result.finishReason);
      if (scenario.expectContent !== undefined) expect(result.content).toBe(scenario.expectContent);
      if (result.usage !== undefined) {
        expect(Number.isInteger(result.usage.promptTokens)).toBe(true);
        expect(result.usage.totalTokens).toBeGreaterThanOrEqual(0);
      }
      assertResultMetadata(result);
    });

    const streamOf = async (scenario: ChatScenario) => {
      const provider = await options.createProvider();
      expect(provider.chat?.stream, "chat.stream is implemented").toBeTypeOf("function");
      return run(scenario, () =>
        drain(provider.chat!.stream!(chatRequest(scenario, new AbortController().signal))),
      );
    };

    check(
      "chatStream",
      "chat.stream follows the stream protocol and ends with one done",
      async () => {
        const scenario = scenarios.chatStream!;
        const checked = assertChatStreamProtocol(await streamOf(scenario));
        if (scenario.expectContent !== undefined) {
          expect(checked.response.content).toBe(scenario.expectContent);
        }
        for (const event of checked.events) {
          if (event.type === "usage") expect(Number.isInteger(event.usage.promptTokens)).toBe(true);
        }
      },
    );

    check(
      "toolCalls",
      "tool calls stream start → deltas → end with complete JSON arguments",
      async () => {
        const scenario = scenarios.toolCalls!;
        const { response } = assertChatStreamProtocol(await streamOf(scenario));
        expect(response.toolCalls.length).toBeGreaterThan(0);
        if (scenario.expectToolCalls) {
          expect(response.toolCalls.map((call) => call.name)).toEqual(scenario.expectToolCalls);
        }
        expect(response.finishReason).toBe("tool_calls");
      },
    );

    check(
      "serverTools",
      "server tool calls stream as server_tool_call / server_tool_result, never as client tool calls, and the text after them keeps streaming",
      async () => {
        const scenario = scenarios.serverTools!;
        const { response, events } = assertChatStreamProtocol(await streamOf(scenario));
        const calls = events.flatMap((event) =>
          event.type === "server_tool_call" ? [event.call] : [],
        );
        expect(calls.length, "at least one server tool call").toBeGreaterThan(0);
        if (scenario.expectServerToolCalls) {
          expect(calls.map((call) => call.name)).toEqual(scenario.expectServerToolCalls);
        }
        const clientIds = new Set(response.toolCalls.map((call) => call.id));
        for (const call of calls) {
          expect(clientIds.has(call.id), `${call.id} is not a client call`).toBe(false);
        }
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

    check(
      "abort",
      "aborting its signal ends the stream with an aborted error; an aborted signal fails before anything is sent",
      async () => {
        const scenario = scenarios.abort!;
        const provider = await options.createProvider();
        await scenario.prepare?.();
        const controller = new AbortController();
        const seen: ChatStreamPartV1[] = [];
        const outcome = await (async () => {
          try {
            for await (const part of provider.chat!.stream!(
              chatRequest(scenario, controller.signal),
            )) {
              seen.push(part);
              if (part.type !== "warning" && part.type !== "response_metadata") controller.abort();
            }
            return undefined;
          } catch (error) {
            return error;
          }
        })();
        expect(seen.filter((part) => part.type === "done")).toHaveLength(0);
        expect(RatatoskrError.isInstance(outcome, "aborted"), `got ${String(outcome)}`).toBe(true);
        // An already-aborted signal: no synchronous throw, then an aborted error.
        const aborted = AbortSignal.abort();
        let stream: AsyncIterable<ChatStreamPartV1> | undefined;
        expect(() => {
          stream = provider.chat!.stream!(chatRequest(scenario, aborted));
        }, "stream() does not throw synchronously").not.toThrow();
        await expect(drain(stream!)).rejects.toSatisfy((error: unknown) =>
          RatatoskrError.isInstance(error, "aborted"),
        );
        if (provider.chat!.complete !== undefined) {
          await expect(provider.chat!.complete(chatRequest(scenario, aborted))).rejects.toSatisfy(
            (error: unknown) => RatatoskrError.isInstance(error, "aborted"),
          );
        }
      },
    );

    check(
      "warnings",
      "an unsupported chat setting comes back as a warning, and warningsFor agrees",
      async () => {
        const scenario = scenarios.warnings!;
        const provider = await options.createProvider();
        const chat = provider.chat!;
        const settings = Object.entries(scenario.unsupportedSettings);
        expect(settings.length, "unsupportedSettings names at least one setting").toBeGreaterThan(
          0,
        );
        for (const [setting, value] of settings) {
          const request = chatRequest(
            { ...scenario, settings: { ...scenario.settings, [setting]: value } },
            new AbortController().signal,
          );
          const predicted = chat.warningsFor?.(request);
          const result = await run(scenario, () => completeChat(provider, request));
          expectWarningsAgree(
            result.warnings ?? [],
            predicted,
            (warning) => warning.type === "unsupported_setting" && warning.setting === setting,
            `the unsupported setting ${setting}`,
          );
        }
        if (scenario.unknownProviderOption !== undefined) {
          const option = scenario.unknownProviderOption;
          const request = chatRequest(
            {
              ...scenario,
              providerOptions: { ...scenario.providerOptions, [option]: true },
            },
            new AbortController().signal,
          );
          const predicted = chat.warningsFor?.(request);
          const result = await run(scenario, () => completeChat(provider, request));
          expectWarningsAgree(
            result.warnings ?? [],
            predicted,
            (warning) => warning.type === "unknown_provider_option" && warning.option === option,
            `the unknown provider option ${option}`,
          );
        }
      },
    );

    check("generate", "generation returns a complete text with metadata", async () => {
      const scenario = scenarios.generate!;
      const provider = await options.createProvider();
      const result = await run(scenario, () =>
        completeGeneration(provider, generationRequest(scenario, new AbortController().signal)),
      );
      expect(typeof result.text).toBe("string");
      expect(FINISH_REASONS).toContain(result.finishReason);
      if (scenario.expectText !== undefined) expect(result.text).toBe(scenario.expectText);
      assertResultMetadata(result);
    });

    check(
      "generateStream",
      "generation.stream sends text parts and ends with one done",
      async () => {
        const scenario = scenarios.generateStream!;
        const provider = await options.createProvider();
        expect(provider.generation?.stream, "generation.stream is implemented").toBeTypeOf(
          "function",
        );
        const parts: GenerationStreamPartV1[] = await run(scenario, () =>
          drain(
            provider.generation!.stream!(generationRequest(scenario, new AbortController().signal)),
          ),
        );
        expect(parts.at(-1)?.type, "the last part is done").toBe("done");
        expect(parts.filter((part) => part.type === "done")).toHaveLength(1);
        let text = "";
        for (const part of parts) {
          if (part.type === "text") text += part.text;
          if (part.type === "warning") assertWarning(part.warning);
          if (part.type === "done") expect(FINISH_REASONS).toContain(part.finishReason);
        }
        if (scenario.expectText !== undefined) expect(text).toBe(scenario.expectText);
      },
    );

    check(
      "generationWarnings",
      "an unsupported generation setting comes back as a warning, and warningsFor agrees",
      async () => {
        const scenario = scenarios.generationWarnings!;
        const provider = await options.createProvider();
        const generation = provider.generation!;
        const settings = Object.entries(scenario.unsupportedSettings);
        expect(settings.length, "unsupportedSettings names at least one setting").toBeGreaterThan(
          0,
        );
        for (const [setting, value] of settings) {
          const request = generationRequest(
            { ...scenario, settings: { ...scenario.settings, [setting]: value } },
            new AbortController().signal,
          );
          const predicted = generation.warningsFor?.(request);
          const result = await run(scenario, () => completeGeneration(provider, request));
          expectWarningsAgree(
            result.warnings ?? [],
            predicted,
            (warning) => warning.type === "unsupported_setting" && warning.setting === setting,
            `the unsupported setting ${setting}`,
          );
        }
        if (scenario.unknownProviderOption !== undefined) {
          const option = scenario.unknownProviderOption;
          const request = generationRequest(
            { ...scenario, providerOptions: { ...scenario.providerOptions, [option]: true } },
            new AbortController().signal,
          );
          const predicted = generation.warningsFor?.(request);
          const result = await run(scenario, () => completeGeneration(provider, request));
          expectWarningsAgree(
            result.warnings ?? [],
            predicted,
            (warning) => warning.type === "unknown_provider_option" && warning.option === option,
            `the unknown provider option ${option}`,
          );
        }
      },
    );

    check(
      "embed",
      "embedding.embed returns one vector per text, in order, with matching dimensions",
      async () => {
        const scenario = scenarios.embed!;
        const provider = await options.createProvider();
        const embedding = provider.embedding!;
        const limit = embedding.maxEmbeddingsPerCall?.(scenario.model);
        if (limit !== undefined && limit !== Number.POSITIVE_INFINITY) {
          expect(Number.isInteger(limit) && limit >= 1, "maxEmbeddingsPerCall").toBe(true);
        }
        const request: EmbeddingRequestV1 = {
          model: scenario.model,
          values: scenario.values,
          providerOptions: scenario.providerOptions ?? {},
          signal: new AbortController().signal,
        };
        const predicted = embedding.warningsFor?.(request);
        const result = await run(scenario, () => embedding.embed(request));
        expect(result.embeddings).toHaveLength(scenario.values.length);
        const dimensions = scenario.dimensions ?? result.embeddings[0]!.dimensions;
        for (const vector of result.embeddings) {
          expect(vector.dimensions).toBe(dimensions);
          expect(vector.values).toHaveLength(dimensions);
          for (const value of vector.values) expect(Number.isFinite(value)).toBe(true);
        }
        assertResultMetadata(result);
        await checkOptionWarnings(
          scenario,
          request,
          predicted,
          result,
          embedding.warningsFor?.bind(embedding),
          (next) => embedding.embed(next),
        );
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

    check(
      "nli",
      "nli.infer returns three scores summing to 1 and the argmax label, per pair in order",
      async () => {
        const scenario = scenarios.nli!;
        const provider = await options.createProvider();
        const nli = provider.nli!;
        const limit = nli.maxPairsPerCall?.(scenario.model);
        if (limit !== undefined && limit !== Number.POSITIVE_INFINITY) {
          expect(Number.isInteger(limit) && limit >= 1, "maxPairsPerCall").toBe(true);
        }
        const request: NliRequestV1 = {
          model: scenario.model,
          pairs: scenario.pairs,
          providerOptions: scenario.providerOptions ?? {},
          signal: new AbortController().signal,
        };
        const predicted = nli.warningsFor?.(request);
        const result = await run(scenario, () => nli.infer(request));
        expect(result.results).toHaveLength(scenario.pairs.length);
        result.results.forEach(checkNli);
        assertResultMetadata(result);
        await checkOptionWarnings(
          scenario,
          request,
          predicted,
          result,
          nli.warningsFor?.bind(nli),
          (next) => nli.infer(next),
        );
      },
    );

    check("classify", "classification scores every label and reports the top one", async () => {
      const scenario = scenarios.classify!;
      const provider = await options.createProvider();
      const classification = provider.classification!;
      const request: ClassificationRequestV1 = {
        model: scenario.model,
        text: scenario.text,
        labels: scenario.labels,
        settings: { multiLabel: scenario.multiLabel ?? false },
        providerOptions: scenario.providerOptions ?? {},
        signal: new AbortController().signal,
      };
      const predicted = classification.warningsFor?.(request);
      const result: ClassificationResultV1 = await run(scenario, () =>
        classification.classifyZeroShot(request),
      );
      expect(Object.keys(result.scores).sort()).toEqual([...scenario.labels].sort());
      const best = Math.max(...Object.values(result.scores));
      expect(result.scores[result.topLabel]).toBe(best);
      expect(result.confidence).toBe(best);
      if (!scenario.multiLabel) {
        expect(Object.values(result.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      }
      assertResultMetadata(result);
      await checkOptionWarnings(
        scenario,
        request,
        predicted,
        result,
        classification.warningsFor?.bind(classification),
        (next) => classification.classifyZeroShot(next),
      );
    });

    check(
      "countTokens",
      "token counting returns a non-negative integer and says whether it is exact",
      async () => {
        const scenario = scenarios.countTokens!;
        const provider = await options.createProvider();
        const tokenCounting = provider.tokenCounting!;
        const request: TokenCountingRequestV1 = {
          model: scenario.model,
          text: scenario.text,
          providerOptions: scenario.providerOptions ?? {},
          signal: new AbortController().signal,
        };
        const predicted = tokenCounting.warningsFor?.(request);
        const count = await run(scenario, () => tokenCounting.countTokens(request));
        expect(Number.isInteger(count.count)).toBe(true);
        expect(count.count).toBeGreaterThanOrEqual(0);
        expect(typeof count.approximate).toBe("boolean");
        expect(count.source.length).toBeGreaterThan(0);
        if (scenario.expectCount !== undefined) expect(count.count).toBe(scenario.expectCount);
        assertResultMetadata(count);
        if (tokenCounting.tokenize !== undefined) {
          const tokenized = await tokenCounting.tokenize(request);
          assertTokens(tokenized.tokens, scenario.text);
          expect(typeof tokenized.approximate).toBe("boolean");
          expect(tokenized.source.length).toBeGreaterThan(0);
          assertResultMetadata(tokenized);
        }
        await checkOptionWarnings(
          scenario,
          request,
          predicted,
          count,
          tokenCounting.warningsFor?.bind(tokenCounting),
          (next) => tokenCounting.countTokens(next),
        );
      },
    );

    check(
      "countTokens",
      "tokenize and countChatTokens, where offered, honour an aborted signal",
      async () => {
        const scenario = scenarios.countTokens!;
        const provider = await options.createProvider();
        const tokenCounting = provider.tokenCounting!;
        const signal = AbortSignal.abort();
        const base = { model: scenario.model, providerOptions: {}, signal };
        if (tokenCounting.tokenize !== undefined) {
          await expectAborted(tokenCounting.tokenize({ ...base, text: scenario.text }));
        }
        if (tokenCounting.countChatTokens !== undefined) {
          await expectAborted(
            tokenCounting.countChatTokens({
              ...base,
              messages: [{ role: "user", content: scenario.text }],
            }),
          );
        }
      },
    );

    const catalogOf = async () => {
      const provider = await options.createProvider();
      expect(provider.models, "the provider has a model catalog (models)").toBeDefined();
      return { provider, catalog: provider.models! };
    };

    check("models", "models.listModels lists well-formed models", async () => {
      const { provider, catalog } = await catalogOf();
      await checkListModels(catalog, provider.id, scenarios.models!);
    });

    check("models", "models methods reject an already-aborted signal with `aborted`", async () => {
      const { catalog } = await catalogOf();
      const scenario = scenarios.models!;
      await checkCatalogAbort(
        catalog,
        scenario.metadata?.model ?? scenario.status?.model ?? "any-model",
      );
    });

    if (scenarios.models?.metadata !== undefined) {
      check(
        "models",
        "models.fetchModelMetadata answers undefined or a registry record of the model",
        async () => {
          const { provider, catalog } = await catalogOf();
          expect(catalog.fetchModelMetadata, "fetchModelMetadata").toBeTypeOf("function");
          await checkFetchModelMetadata(catalog, provider.id, scenarios.models!.metadata!);
        },
      );
    }

    if (scenarios.models?.status !== undefined) {
      check("models", "models.modelStatus answers a well-formed status", async () => {
        const { catalog } = await catalogOf();
        expect(catalog.modelStatus, "modelStatus").toBeTypeOf("function");
        await checkModelStatus(catalog, scenarios.models!.status!);
      });
    }

    const optionsCall = optionsProbe(scenarios);
    if (optionsCall !== undefined) {
      it("reads only its own providerOptions entry, never one keyed by a provider id", async () => {
        const provider = await options.createProvider();
        const forbidden = new Set([
          ...(options.otherProviderIds ?? DEFAULT_OTHER_PROVIDER_IDS),
          provider.id,
          ...(provider.aliases ?? []),
        ]);
        const read = new Set<string>();
        const own = { ...optionsCall.scenario.providerOptions };
        const recording = new Proxy(own, {
          get(target, key, receiver) {
            if (typeof key === "string") read.add(key);
            return Reflect.get(target, key, receiver);
          },
          has(target, key) {
            if (typeof key === "string") read.add(key);
            return Reflect.has(target, key);
          },
        });
        await run(optionsCall.scenario, () => optionsCall.call(provider, recording));
        expect(
          [...read].filter((key) => forbidden.has(key)),
          "providerOptions holds this provider's own entry: looking up a provider id in it means expecting the whole keyed map",
        ).toEqual([]);
      });
    }

    for (const [title, scenario] of Object.entries(scenarios.errors ?? {})) {
      it(`maps ${title} to a typed "${scenario.code}" error without leaking secrets`, async () => {
        const provider = await options.createProvider();
        await scenario.prepare?.();
        let caught: unknown;
        try {
          const result = scenario.call(provider, new AbortController().signal);
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

/** The first scenario that can carry `providerOptions`, and how to call it. */
function optionsProbe(scenarios: ConformanceScenarios):
  | {
      scenario: RequestScenario;
      call: (provider: ProviderV1, providerOptions: Record<string, unknown>) => Promise<unknown>;
    }
  | undefined {
  const signal = () => new AbortController().signal;
  const chat = scenarios.chat ?? scenarios.chatStream;
  if (chat !== undefined) {
    return {
      scenario: chat,
      call: (provider, providerOptions) =>
        completeChat(provider, { ...chatRequest(chat, signal()), providerOptions }),
    };
  }
  const generate = scenarios.generate;
  if (generate !== undefined) {
    return {
      scenario: generate,
      call: (provider, providerOptions) =>
        completeGeneration(provider, { ...generationRequest(generate, signal()), providerOptions }),
    };
  }
  const embed = scenarios.embed;
  if (embed !== undefined) {
    return {
      scenario: embed,
      call: (provider, providerOptions) =>
        provider.embedding!.embed({
          model: embed.model,
          values: embed.values,
          providerOptions,
          signal: signal(),
        }),
    };
  }
  const nli = scenarios.nli;
  if (nli !== undefined) {
    return {
      scenario: nli,
      call: (provider, providerOptions) =>
        provider.nli!.infer({
          model: nli.model,
          pairs: nli.pairs,
          providerOptions,
          signal: signal(),
        }),
    };
  }
  const classify = scenarios.classify;
  if (classify !== undefined) {
    return {
      scenario: classify,
      call: (provider, providerOptions) =>
        provider.classification!.classifyZeroShot({
          model: classify.model,
          text: classify.text,
          labels: classify.labels,
          settings: {},
          providerOptions,
          signal: signal(),
        }),
    };
  }
  const count = scenarios.countTokens;
  if (count !== undefined) {
    return {
      scenario: count,
      call: (provider, providerOptions) =>
        provider.tokenCounting!.countTokens({
          model: count.model,
          text: count.text,
          providerOptions,
          signal: signal(),
        }),
    };
  }
  return undefined;
}

/**
 * Tokens with offsets into `text`: integer ids, string texts, and spans in
 * order within the text (`start <= end`, each start at or after the
 * previous start).
 */
export function assertTokens(tokens: unknown, text: string): void {
  expect(Array.isArray(tokens), "tokens is an array").toBe(true);
  let previous = 0;
  for (const token of tokens as { id: unknown; text: unknown; start: unknown; end: unknown }[]) {
    expect(Number.isInteger(token.id), "token id is an integer").toBe(true);
    expect(typeof token.text, "token text is a string").toBe("string");
    expect(Number.isInteger(token.start) && Number.isInteger(token.end)).toBe(true);
    const start = token.start as number;
    const end = token.end as number;
    expect(start).toBeGreaterThanOrEqual(previous);
    expect(end).toBeGreaterThanOrEqual(start);
    expect(end).toBeLessThanOrEqual(text.length);
    previous = start;
  }
}

async function expectAborted(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "an aborted signal rejects").toBeDefined();
  expect((error as { code?: unknown }).code).toBe("aborted");
}
