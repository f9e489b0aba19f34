/**
 * Validation of the options objects of the gateway's methods: the call
 * options every method takes (`signal`, deadlines, `retry`, `fallbacks`)
 * and the sampling options of chat and generate, `providerOptions` (an
 * object of objects keyed by provider id) and `strict`. A wrong type, NaN, an
 * infinite or out-of-range number is `invalid_input` naming the field
 * (`options.temperature`), never a TypeError. Checks read each field once
 * and allocate nothing unless they throw: they run on every call.
 */
import { assertMessages } from "./assert-messages.ts";
import { assertToolChoice, assertTools } from "./assert-tools.ts";
import { describeValue, invalidField, isRecord } from "./invalid-field.ts";
import type { Message } from "./messages.ts";
import type {
  CallOptions,
  ChatOptions,
  ClassifyOptions,
  GenerateOptions,
  ProviderOptions,
  RetryOptions,
} from "./options.ts";
import { assertModel, MAX_MODEL_LENGTH } from "./validation.ts";

/** The longest timer Node and browsers keep (2³¹−1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const REASONING_EFFORTS: ReadonlySet<unknown> = new Set(["minimal", "low", "medium", "high"]);
const RESPONSE_FORMATS: ReadonlySet<unknown> = new Set(["text", "json_object", "json_schema"]);

/** Whether `value` behaves as an AbortSignal (also one from another realm). */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function" &&
    typeof (value as AbortSignal).removeEventListener === "function"
  );
}

/** Require a deadline in ms: a finite number from 0 (disabled) to {@link MAX_TIMEOUT_MS}. */
export function assertMilliseconds(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    throw invalidField(
      field,
      `must be a number of milliseconds from 0 (disabled) to ${MAX_TIMEOUT_MS}, got ${describeValue(value)}`,
    );
  }
}

/**
 * Require retry settings: `false`, or an object whose counts and delays are
 * non-negative numbers, `maxAttempts` an integer ≥ 1, `jitter` from 0 to 1
 * and `shouldRetry` a function.
 */
export function assertRetryOptions(
  retry: unknown,
  field = "options.retry",
): asserts retry is RetryOptions | false {
  if (retry === false) return;
  if (!isRecord(retry)) {
    throw invalidField(
      field,
      `must be false or a retry settings object, got ${describeValue(retry)}`,
    );
  }
  const maxAttempts = retry.maxAttempts;
  if (
    maxAttempts !== undefined &&
    !(Number.isSafeInteger(maxAttempts) && (maxAttempts as number) >= 1)
  ) {
    throw invalidField(
      `${field}.maxAttempts`,
      `must be an integer >= 1, got ${describeValue(maxAttempts)}`,
    );
  }
  nonNegative(retry.initialDelayMs, field, ".initialDelayMs");
  nonNegative(retry.maxDelayMs, field, ".maxDelayMs");
  nonNegative(retry.multiplier, field, ".multiplier");
  nonNegative(retry.maxRetryAfterMs, field, ".maxRetryAfterMs");
  const jitter = retry.jitter;
  if (jitter !== undefined && !(typeof jitter === "number" && jitter >= 0 && jitter <= 1)) {
    throw invalidField(`${field}.jitter`, `must be between 0 and 1, got ${describeValue(jitter)}`);
  }
  if (retry.shouldRetry !== undefined && typeof retry.shouldRetry !== "function") {
    throw invalidField(
      `${field}.shouldRetry`,
      `must be a function, got ${describeValue(retry.shouldRetry)}`,
    );
  }
}

function nonNegative(value: unknown, field: string, key: string): void {
  // Infinity is allowed: "no cap" for maxDelayMs / maxRetryAfterMs.
  if (value !== undefined && !(typeof value === "number" && value >= 0)) {
    throw invalidField(
      `${field}${key}`,
      `must be a non-negative number, got ${describeValue(value)}`,
    );
  }
}

/**
 * Require fallback targets: `false`, or an array of `"provider:model"`
 * strings (a non-empty provider id before the first `:`, a non-empty model
 * after it, at most {@link MAX_MODEL_LENGTH} characters). Whether the
 * provider is registered is the gateway's check.
 */
export function assertFallbackTargets(
  fallbacks: unknown,
  field = "options.fallbacks",
): asserts fallbacks is readonly string[] | false {
  if (fallbacks === false) return;
  if (!Array.isArray(fallbacks)) {
    throw invalidField(
      field,
      `must be false or an array of "provider:model" strings, got ${describeValue(fallbacks)}`,
    );
  }
  for (let index = 0; index < fallbacks.length; index++) {
    const target: unknown = fallbacks[index];
    const colon = typeof target === "string" ? target.indexOf(":") : -1;
    if (
      typeof target !== "string" ||
      colon <= 0 ||
      colon === target.length - 1 ||
      target.length > MAX_MODEL_LENGTH
    ) {
      throw invalidField(
        `${field}[${index}]`,
        `must be a "provider:model" string naming a registered provider (at most ${MAX_MODEL_LENGTH} characters), got ${describeValue(target)}`,
      );
    }
  }
}

/** Require `options` to be undefined or valid {@link CallOptions} (what every method accepts). */
export function assertCallOptions(options: unknown): asserts options is CallOptions | undefined {
  if (options === undefined) return;
  if (!isRecord(options)) {
    throw invalidField("options", `must be an object when given, got ${describeValue(options)}`);
  }
  checkCallOptions(options);
}

function checkCallOptions(options: Record<string, unknown>): void {
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw invalidField(
      "options.signal",
      `must be an AbortSignal (e.g. AbortController's signal), got ${describeValue(signal)}`,
    );
  }
  if (options.timeout !== undefined) assertMilliseconds(options.timeout, "options.timeout");
  if (options.attemptTimeout !== undefined) {
    assertMilliseconds(options.attemptTimeout, "options.attemptTimeout");
  }
  if (options.idleTimeout !== undefined) {
    assertMilliseconds(options.idleTimeout, "options.idleTimeout");
  }
  if (options.retry !== undefined) assertRetryOptions(options.retry);
  if (options.fallbacks !== undefined) assertFallbackTargets(options.fallbacks);
  if (options.providerOptions !== undefined) assertProviderOptions(options.providerOptions);
  boolean(options.strict, "options.strict");
  boolean(options.cache, "options.cache");
  // The option of the previous contract, removed from the types: a JavaScript caller may still pass it.
  if ((options as { rawProviderOptions?: unknown }).rawProviderOptions !== undefined) {
    throw invalidField(
      "options.rawProviderOptions",
      'was replaced by providerOptions, keyed by provider id ({providerOptions: {"<provider id>": {…}}}); each provider reads only its own entry',
    );
  }
}

/**
 * Require provider options: an object whose every entry (keyed by provider
 * id) is an object of that provider's options.
 */
export function assertProviderOptions(
  providerOptions: unknown,
  field = "options.providerOptions",
): asserts providerOptions is ProviderOptions {
  if (!isRecord(providerOptions)) {
    throw invalidField(
      field,
      `must be an object keyed by provider id ({"<provider id>": {…}}), got ${describeValue(providerOptions)}`,
    );
  }
  for (const id in providerOptions) {
    if (!Object.hasOwn(providerOptions, id)) continue;
    const entry = providerOptions[id];
    if (!isRecord(entry)) {
      throw invalidField(
        `${field}.${id}`,
        `must be an object of that provider's options, got ${describeValue(entry)}`,
      );
    }
  }
}

function optionsObject(options: unknown): Record<string, unknown> {
  if (!isRecord(options)) {
    throw invalidField(
      "options",
      `must be an object with at least a model ({model: "…"}), got ${describeValue(options)}`,
    );
  }
  return options;
}

function numberInRange(value: unknown, field: string, min: number, max: number): void {
  if (value !== undefined && !(typeof value === "number" && value >= min && value <= max)) {
    throw invalidField(
      field,
      `must be a number from ${min} to ${max}, got ${describeValue(value)}`,
    );
  }
}

function positiveInteger(value: unknown, field: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 1)) {
    throw invalidField(field, `must be a positive integer, got ${describeValue(value)}`);
  }
}

function integer(value: unknown, field: string): void {
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw invalidField(field, `must be an integer, got ${describeValue(value)}`);
  }
}

function boolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw invalidField(field, `must be true or false, got ${describeValue(value)}`);
  }
}

function stringArray(value: unknown, field: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw invalidField(field, `must be an array of strings, got ${describeValue(value)}`);
  }
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item !== "string" || item === "") {
      throw invalidField(
        `${field}[${index}]`,
        `must be a non-empty string, got ${describeValue(item)}`,
      );
    }
  }
}

/**
 * Require valid {@link ChatOptions}: the model, tools and tool choice,
 * `temperature` 0–2, `topP` 0–1, `topK` and `maxTokens` positive integers, `stop` an
 * array of strings, `seed` an integer, penalties −2–2, booleans, the
 * response format, reasoning settings and the call options.
 */
export function assertChatOptions(options: unknown): asserts options is ChatOptions {
  const chat = optionsObject(options);
  assertModel(chat.model, "options.model");
  const tools = chat.tools;
  if (tools !== undefined) assertTools(tools);
  if (chat.toolChoice !== undefined) {
    assertToolChoice(chat.toolChoice, tools as ChatOptions["tools"]);
  }
  boolean(chat.parallelToolCalls, "options.parallelToolCalls");
  numberInRange(chat.temperature, "options.temperature", 0, 2);
  numberInRange(chat.topP, "options.topP", 0, 1);
  positiveInteger(chat.topK, "options.topK");
  positiveInteger(chat.maxTokens, "options.maxTokens");
  stringArray(chat.stop, "options.stop");
  integer(chat.seed, "options.seed");
  numberInRange(chat.frequencyPenalty, "options.frequencyPenalty", -2, 2);
  numberInRange(chat.presencePenalty, "options.presencePenalty", -2, 2);
  boolean(chat.cachePrompt, "options.cachePrompt");
  if (chat.responseFormat !== undefined) assertResponseFormat(chat.responseFormat);
  if (chat.reasoning !== undefined) assertReasoning(chat.reasoning);
  checkCallOptions(chat);
}

function assertResponseFormat(format: unknown): void {
  if (!isRecord(format) || !RESPONSE_FORMATS.has(format.type)) {
    throw invalidField(
      "options.responseFormat.type",
      `must be "text", "json_object" or "json_schema", got ${describeValue(isRecord(format) ? format.type : format)}`,
    );
  }
  if (format.type !== "json_schema") return;
  if (typeof format.name !== "string" || format.name === "") {
    throw invalidField(
      "options.responseFormat.name",
      `must be a non-empty string, got ${describeValue(format.name)}`,
    );
  }
  if (!isRecord(format.schema)) {
    throw invalidField(
      "options.responseFormat.schema",
      `must be a JSON Schema object, got ${describeValue(format.schema)}`,
    );
  }
  boolean(format.strict, "options.responseFormat.strict");
  if (format.description !== undefined && typeof format.description !== "string") {
    throw invalidField(
      "options.responseFormat.description",
      `must be a string when present, got ${describeValue(format.description)}`,
    );
  }
}

function assertReasoning(reasoning: unknown): void {
  if (!isRecord(reasoning)) {
    throw invalidField(
      "options.reasoning",
      `must be an object {effort?, maxTokens?, exclude?}, got ${describeValue(reasoning)}`,
    );
  }
  if (reasoning.effort !== undefined && !REASONING_EFFORTS.has(reasoning.effort)) {
    throw invalidField(
      "options.reasoning.effort",
      `must be "minimal", "low", "medium" or "high", got ${describeValue(reasoning.effort)}`,
    );
  }
  positiveInteger(reasoning.maxTokens, "options.reasoning.maxTokens");
  boolean(reasoning.exclude, "options.reasoning.exclude");
}

/** Require a well-formed chat request: the messages ({@link assertMessages}) and {@link ChatOptions}. */
export function assertChatRequest(
  messages: unknown,
  options: unknown,
): asserts messages is Message[] {
  assertMessages(messages);
  assertChatOptions(options);
}

/**
 * Require valid {@link GenerateOptions}: the model, `maxTokens` and `topK`
 * positive integers, `temperature` 0–2, `topP` 0–1, `seed` an integer,
 * `stopSequences` an array of strings, and the call options.
 */
export function assertGenerateOptions(options: unknown): asserts options is GenerateOptions {
  const generate = optionsObject(options);
  assertModel(generate.model, "options.model");
  positiveInteger(generate.maxTokens, "options.maxTokens");
  numberInRange(generate.temperature, "options.temperature", 0, 2);
  numberInRange(generate.topP, "options.topP", 0, 1);
  positiveInteger(generate.topK, "options.topK");
  integer(generate.seed, "options.seed");
  stringArray(generate.stopSequences, "options.stopSequences");
  checkCallOptions(generate);
}

/** Require undefined or valid {@link ClassifyOptions}: a non-empty `hypothesisTemplate`, a boolean `multiLabel`, and the call options. */
export function assertClassifyOptions(
  options: unknown,
): asserts options is ClassifyOptions | undefined {
  if (options === undefined) return;
  assertCallOptions(options);
  const classify = options as Record<string, unknown>;
  const template = classify.hypothesisTemplate;
  if (template !== undefined && (typeof template !== "string" || template === "")) {
    throw invalidField(
      "options.hypothesisTemplate",
      `must be a non-empty string, got ${describeValue(template)}`,
    );
  }
  boolean(classify.multiLabel, "options.multiLabel");
}
