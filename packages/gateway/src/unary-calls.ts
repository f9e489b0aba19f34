/**
 * The gateway's unary methods: `chat`, `generate`, `embed`, `inferNli`,
 * `classifyZeroShot` and `countTokens`. Each validates the whole request,
 * says how to build the provider's v1 request and how to turn its answer
 * into the caller's (provider, model and request id stamped, warnings
 * reported), and runs through {@link runUnary}.
 */
import {
  assertCallOptions,
  assertChatRequest,
  assertClassifyOptions,
  assertGenerateOptions,
  assertLabels,
  assertModel,
  assertText,
  type CallOptions,
  type ChatOptions,
  type ChatResponse,
  type ChatResultV1,
  type ClassifyOptions,
  type ClassifyResult,
  type CountTokensOptions,
  type Embedding,
  type GenerateOptions,
  type GenerateResponse,
  type Message,
  type NliResult,
  type TokenCount,
} from "@ratatoskr/core";
import { checkCount, checkEmbedding } from "./answer-checks.ts";
import { embedKey, nliKey, tokenCountingKey } from "./cache-keys-of.ts";
import { answerWithCacheWarnings, isDeterministic, withoutUsage } from "./cached-answers.ts";
import { joinWarnings, prepareChat, prepareGenerate, withCost } from "./call-preparation.ts";
import type { CallTarget } from "./call-runner.ts";
import { reportWarnings } from "./call-warnings.ts";
import type { GatewayCore } from "./gateway-core.ts";
import {
  chatSettings,
  generationSettings,
  ownProviderOptions,
  tokenCountingBase,
} from "./provider-requests.ts";
import { runUnary } from "./unary-call.ts";

/** The caller's chat response from the provider's result. */
function chatResponse(
  core: GatewayCore,
  result: ChatResultV1,
  target: CallTarget,
  warnings: ChatResponse["warnings"],
): ChatResponse {
  const { response, warnings: _warnings, ...answer } = result;
  const model = response?.model ?? target.providerModel;
  const out: ChatResponse = { ...answer, provider: target.provider.id, model };
  const usage = withCost(core, answer.usage, model);
  if (usage !== undefined) out.usage = usage;
  if (response?.requestId !== undefined) out.requestId = response.requestId;
  if (warnings !== undefined) out.warnings = warnings;
  return out;
}

/** `chat()`: one complete chat answer. */
export async function chat(
  core: GatewayCore,
  messages: readonly Message[],
  options: ChatOptions,
): Promise<ChatResponse> {
  assertChatRequest(messages, options);
  const prepared = prepareChat(core, options);
  const resolved = prepared.options;
  const settings = chatSettings(resolved);
  return runUnary(core, "chat", resolved.model, resolved, {
    request: (target, signal) => ({
      model: target.providerModel,
      messages,
      settings,
      providerOptions: ownProviderOptions(resolved.providerOptions, target.provider),
      signal,
    }),
    send: (target, request) => target.provider.chat!.complete(request),
    warningsFor: (target, request) =>
      joinWarnings(prepared.warnings, target.provider.chat!.warningsFor?.(request)),
    finish: (result, target, context) =>
      chatResponse(
        core,
        result,
        target,
        reportWarnings(context, target, joinWarnings(prepared.warnings, result.warnings)),
      ),
    usageOf: (response) => response.usage,
    cache: {
      kind: "chat",
      deterministic: isDeterministic(resolved),
      keyOf: (target) => ({
        input: messages,
        options: {
          settings,
          providerOptions: ownProviderOptions(resolved.providerOptions, target.provider),
        },
      }),
      stored: withoutUsage,
      withWarnings: answerWithCacheWarnings,
    },
  });
}

/** `generate()`: one complete text generation. */
export async function generate(
  core: GatewayCore,
  prompt: string,
  options: GenerateOptions,
): Promise<GenerateResponse> {
  assertText(prompt, "prompt");
  assertGenerateOptions(options);
  const prepared = prepareGenerate(core, options);
  const resolved = prepared.options;
  const settings = generationSettings(resolved);
  return runUnary(core, "generate", resolved.model, resolved, {
    request: (target, signal) => ({
      model: target.providerModel,
      prompt,
      settings,
      providerOptions: ownProviderOptions(resolved.providerOptions, target.provider),
      signal,
    }),
    send: (target, request) => target.provider.generation!.complete(request),
    warningsFor: (target, request) =>
      joinWarnings(prepared.warnings, target.provider.generation!.warningsFor?.(request)),
    finish: (result, target, context) => {
      const warnings = reportWarnings(
        context,
        target,
        joinWarnings(prepared.warnings, result.warnings),
      );
      const response: GenerateResponse = {
        text: result.text,
        model: result.response?.model ?? target.providerModel,
        provider: target.provider.id,
        finishReason: result.finishReason,
      };
      const usage = withCost(core, result.usage, response.model);
      if (usage !== undefined) response.usage = usage;
      if (result.response?.requestId !== undefined) response.requestId = result.response.requestId;
      if (warnings !== undefined) response.warnings = warnings;
      return response;
    },
    usageOf: (response) => response.usage,
    cache: {
      kind: "generate",
      deterministic: isDeterministic(resolved),
      keyOf: (target) => ({
        input: prompt,
        options: {
          settings,
          providerOptions: ownProviderOptions(resolved.providerOptions, target.provider),
        },
      }),
      stored: withoutUsage,
      withWarnings: answerWithCacheWarnings,
    },
  });
}

/** `embed()`: one text, as a chunk of one. */
export async function embed(
  core: GatewayCore,
  text: string,
  model: string,
  options: CallOptions | undefined,
): Promise<Embedding> {
  assertText(text, "text");
  assertModel(model);
  assertCallOptions(options);
  const values = [text];
  return runUnary(core, "embed", model, options, {
    request: (target, signal) => ({
      model: target.providerModel,
      values,
      providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
      signal,
    }),
    send: async (target, request) => {
      const result = await target.provider.embedding!.call(request);
      checkEmbedding(checkCount(result?.embeddings, 1, target, "embeddings")[0], target);
      return result;
    },
    warningsFor: (target, request) => target.provider.embedding!.warningsFor?.(request),
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return result.embeddings[0]!;
    },
    cache: {
      kind: "embed",
      keyOf: (target) => embedKey(text, options, target),
    },
  });
}

/** `inferNli()`: one pair, as a chunk of one. */
export async function inferNli(
  core: GatewayCore,
  premise: string,
  hypothesis: string,
  model: string,
  options: CallOptions | undefined,
): Promise<NliResult> {
  assertText(premise, "premise");
  assertText(hypothesis, "hypothesis");
  assertModel(model);
  assertCallOptions(options);
  const pairs = [{ premise, hypothesis }];
  return runUnary(core, "nli", model, options, {
    request: (target, signal) => ({
      model: target.providerModel,
      pairs,
      providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
      signal,
    }),
    send: async (target, request) => {
      const result = await target.provider.nli!.call(request);
      checkCount(result?.results, 1, target, "results");
      return result;
    },
    warningsFor: (target, request) => target.provider.nli!.warningsFor?.(request),
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return result.results[0]!;
    },
    cache: {
      kind: "nli",
      keyOf: (target) => nliKey(pairs[0]!, options, target),
    },
  });
}

/** `classifyZeroShot()`. */
export async function classifyZeroShot(
  core: GatewayCore,
  text: string,
  labels: readonly string[],
  model: string,
  options: ClassifyOptions | undefined,
): Promise<ClassifyResult> {
  assertText(text, "text");
  assertLabels(labels);
  assertModel(model);
  assertClassifyOptions(options);
  const settings = {
    ...(options?.hypothesisTemplate === undefined
      ? {}
      : { hypothesisTemplate: options.hypothesisTemplate }),
    ...(options?.multiLabel === undefined ? {} : { multiLabel: options.multiLabel }),
  };
  return runUnary(core, "classify", model, options, {
    request: (target, signal) => ({
      model: target.providerModel,
      text,
      labels,
      settings,
      providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
      signal,
    }),
    send: (target, request) => target.provider.classification!.call(request),
    warningsFor: (target, request) => target.provider.classification!.warningsFor?.(request),
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return { scores: result.scores, topLabel: result.topLabel, confidence: result.confidence };
    },
    cache: {
      kind: "classify",
      keyOf: (target) => ({
        input: { text, labels },
        options: {
          settings,
          providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
        },
      }),
    },
  });
}

/** `countTokens()`. */
export async function countTokens(
  core: GatewayCore,
  text: string,
  model: string,
  options: CountTokensOptions | undefined,
): Promise<TokenCount> {
  assertText(text, "text", { allowEmpty: true });
  assertModel(model);
  assertCallOptions(options);
  return runUnary(core, "countTokens", model, options, {
    request: (target, signal) => ({
      ...tokenCountingBase(options, target.provider, target.providerModel, signal),
      text,
    }),
    send: (target, request) => target.provider.tokenCounting!.call(request),
    warningsFor: (target, request) => target.provider.tokenCounting!.warningsFor?.(request),
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return { count: result.count, approximate: result.approximate, source: result.source };
    },
    cache: {
      kind: "countTokens",
      keyOf: (target) => tokenCountingKey(text, options, target),
    },
  });
}
