/**
 * The gateway's model-information methods: `tokenize`, `fitsContext`
 * (routed like `countTokens`, to a provider that can tokenize or count a
 * whole chat request), `listModels`, `modelStatus` and
 * `fetchModelMetadata` (each provider's `models` catalog, under the call's
 * signal and deadline).
 */
import {
  abortedError,
  assertCallOptions,
  assertContextFitRequest,
  assertModel,
  assertModelInfoOptions,
  assertText,
  CAPABILITIES,
  type Capability,
  type ContextFit,
  type ContextFitOptions,
  type CountTokensOptions,
  invalidInput,
  type ListedModel,
  type ListModelsOptions,
  type Message,
  MODEL_STATES,
  type ModelInfoCallOptions,
  type ModelListing,
  type ModelListingFailure,
  type ModelMetadata,
  type ModelStatus,
  RatatoskrError,
  type Token,
  type Tokenization,
} from "@ratatoskr/core";
import { ModelRegistry } from "@ratatoskr/models";
import { AttemptScope } from "./attempt-scope.ts";
import { tokenCountingKey } from "./cache-keys-of.ts";
import { normalizeError } from "./call-runner.ts";
import { CallScope } from "./call-scope.ts";
import { reportWarnings } from "./call-warnings.ts";
import type { GatewayCore } from "./gateway-core.ts";
import { ownProviderOptions, tokenCountingBase } from "./provider-requests.ts";
import type { RegisteredProvider } from "./registered-provider.ts";
import { runUnary } from "./unary-call.ts";

/** A decline: the routed provider cannot do this, so the next target is tried. */
function declines(provider: RegisteredProvider, what: string): RatatoskrError {
  return new RatatoskrError({
    code: "model_not_available",
    message: `Provider "${provider.id}" cannot ${what}`,
    provider: provider.id,
  });
}

function dataError(provider: string, message: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `Provider "${provider}" ${message}`,
    provider,
  });
}

function isOffset(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** The provider's tokens, checked: ids, texts and offsets within `text`. */
function checkTokens(tokens: unknown, text: string, provider: string): readonly Token[] {
  if (!Array.isArray(tokens)) throw dataError(provider, "returned tokens that are not an array");
  for (const [index, token] of tokens.entries()) {
    const item = token as Partial<Token> | null;
    if (
      item === null ||
      typeof item !== "object" ||
      !isOffset(item.id) ||
      typeof item.text !== "string" ||
      !isOffset(item.start) ||
      !isOffset(item.end) ||
      item.start > item.end ||
      item.end > text.length
    ) {
      throw dataError(
        provider,
        `returned token ${index} that is not {id, text, start, end} within the text`,
      );
    }
  }
  return tokens as Token[];
}

/** `tokenize()`: the tokens of `text`, with offsets. */
export async function tokenize(
  core: GatewayCore,
  text: string,
  model: string,
  options: CountTokensOptions | undefined,
): Promise<Tokenization> {
  assertText(text, "text", { allowEmpty: true });
  assertModel(model);
  assertCallOptions(options);
  return runUnary(core, "countTokens", model, options, {
    request: (target, signal) => ({
      ...tokenCountingBase(options, target.provider, target.providerModel, signal),
      text,
    }),
    send: async (target, request) => {
      const tokenizeWith = target.provider.tokenize;
      if (tokenizeWith === undefined) throw declines(target.provider, "tokenize (it only counts)");
      const result = await tokenizeWith(request);
      checkTokens(result?.tokens, text, target.provider.id);
      return result;
    },
    warningsFor: (target, request) => target.provider.tokenCounting!.warningsFor?.(request),
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return {
        tokens: result.tokens,
        provider: target.provider.id,
        model: result.response?.model ?? target.providerModel,
        approximate: result.approximate === true,
        source: String(result.source),
      };
    },
    cache: {
      kind: "tokenize",
      keyOf: (target) => tokenCountingKey(text, options, target),
    },
  });
}

/** `fitsContext()`: whether a chat request fits the model's context window. */
export async function fitsContext(
  core: GatewayCore,
  messages: readonly Message[],
  model: string,
  options: ContextFitOptions | undefined,
): Promise<ContextFit> {
  assertContextFitRequest(messages, model, options);
  const contextWindow =
    options?.contextWindow ?? core.knowledge.metadata(model)?.info.context_window;
  if (contextWindow === undefined || contextWindow === null) {
    throw invalidInput(
      `The registry does not know the context window of "${model.slice(0, 200)}"; pass options.contextWindow`,
      { field: "options.contextWindow" },
    );
  }
  const reserveOutput = options?.reserveOutput ?? 0;
  const tools = options?.tools;
  const count = await runUnary(core, "countTokens", model, options, {
    request: (target, signal) => ({
      ...tokenCountingBase(options, target.provider, target.providerModel, signal),
      messages,
      ...(tools === undefined ? {} : { tools }),
    }),
    send: async (target, request) => {
      const countWith = target.provider.countChatTokens;
      if (countWith === undefined) {
        throw declines(target.provider, "count a chat request (it counts texts only)");
      }
      const result = await countWith(request);
      if (!isOffset(result?.count)) {
        throw dataError(target.provider.id, "returned a chat token count that is not an integer");
      }
      return result;
    },
    finish: (result, target, context) => {
      reportWarnings(context, target, result.warnings);
      return result;
    },
  });
  const margin = contextWindow - count.count - reserveOutput;
  return {
    fits: margin >= 0,
    promptTokens: count.count,
    reserveOutput,
    contextWindow,
    margin,
    overflow: margin < 0 ? -margin : 0,
    approximate: count.approximate === true,
    source: String(count.source),
  };
}

/**
 * Run `work` under the call's signal and total deadline: one
 * {@link AttemptScope} without an attempt deadline, so the call ends when
 * either fires even if a provider ignores its signal.
 */
async function underDeadline<T>(
  core: GatewayCore,
  options: ModelInfoCallOptions | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const caller = options?.signal;
  if (caller?.aborted) throw abortedError(caller);
  const call = new CallScope(caller, options?.timeout ?? core.timeout);
  const scope = new AttemptScope(call, caller, 0, "gateway");
  try {
    return await scope.race(work(scope.signal));
  } finally {
    scope.dispose();
  }
}

const LISTING_SOURCES: ReadonlySet<string> = new Set(["provider", "registry", "cache"]);

/** A provider's listing, checked: every entry a model record of this provider. */
function checkListing(models: unknown, provider: RegisteredProvider): ListedModel[] {
  if (!Array.isArray(models)) throw dataError(provider.id, "listed models that are not an array");
  return models.map((model: Partial<ListedModel> | null, index): ListedModel => {
    if (
      model === null ||
      typeof model !== "object" ||
      typeof model.id !== "string" ||
      model.id === "" ||
      !Array.isArray(model.capabilities) ||
      !LISTING_SOURCES.has(model.source as string)
    ) {
      throw dataError(
        provider.id,
        `listed model ${index} that is not {id, capabilities, source: provider|registry|cache}`,
      );
    }
    return {
      ...(model as ListedModel),
      provider: typeof model.provider === "string" ? model.provider : provider.id,
    };
  });
}

/** `listModels()`: every provider's models; failures reported per provider. */
export async function listModels(
  core: GatewayCore,
  options: ListModelsOptions | undefined,
): Promise<ModelListing> {
  assertModelInfoOptions(options, true);
  const wanted = options?.providers;
  let selected = core.registry.all().filter((provider) => provider.models !== undefined);
  if (wanted !== undefined) {
    const chosen = new Set<RegisteredProvider>();
    for (const name of wanted) {
      const provider = core.registry.get(name);
      if (provider === undefined) {
        throw invalidInput(
          `options.providers names "${name.slice(0, 60)}", which is not registered (registered: ${core.registry.describe()})`,
          { field: "options.providers" },
        );
      }
      chosen.add(provider);
    }
    selected = selected.filter((provider) => chosen.has(provider));
  }
  return underDeadline(core, options, async (signal) => {
    const outcomes = await Promise.all(
      selected.map(async (provider) => {
        try {
          const result = await provider.models!.listModels({ signal });
          return { models: checkListing(result?.models, provider) };
        } catch (error) {
          const failure: ModelListingFailure = {
            provider: provider.id,
            error: normalizeError(error, provider.id, signal),
          };
          return { failure };
        }
      }),
    );
    if (signal.aborted) throw signal.reason;
    const models: ListedModel[] = [];
    const failures: ModelListingFailure[] = [];
    for (const outcome of outcomes) {
      if (outcome.models !== undefined) models.push(...outcome.models);
      else failures.push(outcome.failure);
    }
    return { models, failures };
  });
}

/** The capabilities in the order a model's home is looked for. */
const STATUS_ORDER: readonly Capability[] = [
  "chat",
  "embed",
  "nli",
  "classify",
  "generate",
  "countTokens",
];

/** The provider that would serve `model` first, and the name it gets; undefined when none would. */
function homeOf(
  core: GatewayCore,
  model: string,
): { provider: RegisteredProvider; providerModel: string } | { misses: string[] } {
  const misses: string[] = [];
  for (const capability of STATUS_ORDER.filter((name) => CAPABILITIES.includes(name))) {
    if (core.registry.forCapability(capability).length === 0) continue;
    const decision = core.planner.decision(capability, model);
    const id = decision.providers[0];
    if (id !== undefined) {
      return { provider: core.registry.get(id)!, providerModel: decision.providerModel };
    }
    misses.push(`${capability}: ${decision.explanation}`);
  }
  return { misses };
}

/** `modelStatus()`: where a model stands. */
export async function modelStatus(
  core: GatewayCore,
  model: string,
  options: ModelInfoCallOptions | undefined,
): Promise<ModelStatus> {
  assertModel(model);
  assertModelInfoOptions(options);
  const concrete = core.knowledge.concreteModel(model);
  const home = homeOf(core, concrete);
  if (!("provider" in home)) {
    return {
      model,
      state: "unavailable",
      reason:
        home.misses.length === 0
          ? "no provider is registered"
          : `no registered provider serves it (${home.misses.join("; ")})`,
    };
  }
  const { provider, providerModel } = home;
  const cooling = core.health.cooldown(provider.id);
  const statusOf = provider.models?.modelStatus;
  const status =
    statusOf === undefined
      ? { state: "available" as const }
      : await underDeadline(core, options, async (signal) => {
          try {
            return await statusOf({
              model: providerModel,
              signal,
              providerOptions: ownProviderOptions(options?.providerOptions, provider),
            });
          } catch (error) {
            throw normalizeError(error, provider.id, signal);
          }
        });
  if (status === null || typeof status !== "object" || !MODEL_STATES.includes(status.state)) {
    throw dataError(
      provider.id,
      `reported a model state that is not one of ${MODEL_STATES.join(", ")}`,
    );
  }
  const answer: ModelStatus = {
    ...status,
    model,
    provider: provider.id,
    ...(cooling === undefined
      ? {}
      : {
          cooldown: { until: cooling.until, remainingMs: Math.max(0, cooling.until - Date.now()) },
        }),
  };
  return answer;
}

/** `fetchModelMetadata()`: live metadata, learned by the gateway. */
export async function fetchModelMetadata(
  core: GatewayCore,
  model: string,
  options: ModelInfoCallOptions | undefined,
): Promise<ModelMetadata> {
  assertModel(model);
  assertModelInfoOptions(options);
  const concrete = core.knowledge.concreteModel(model);
  const home = homeOf(core, concrete);
  const fetchWith = "provider" in home ? home.provider.models?.fetchModelMetadata : undefined;
  if ("provider" in home && fetchWith !== undefined) {
    const { provider, providerModel } = home;
    const record = await underDeadline(core, options, async (signal) => {
      try {
        return await fetchWith({
          model: providerModel,
          signal,
          providerOptions: ownProviderOptions(options?.providerOptions, provider),
        });
      } catch (error) {
        throw normalizeError(error, provider.id, signal);
      }
    });
    if (record !== undefined) {
      let checked: ModelMetadata;
      try {
        checked = ModelRegistry.fromPayload([record], {
          origin: `${provider.id} metadata`,
        }).list()[0]!;
      } catch (error) {
        throw new RatatoskrError({
          code: "data",
          message: `Provider "${provider.id}" returned metadata that is not a registry record: ${error instanceof Error ? error.message : String(error)}`,
          provider: provider.id,
          cause: error,
        });
      }
      core.knowledge.learn(core.knowledge.registryId(model) ?? providerModel, checked);
      return checked;
    }
  }
  const known = core.knowledge.metadata(model);
  if (known !== undefined) return known;
  throw new RatatoskrError({
    code: "model_not_found",
    message: `No metadata for "${model.slice(0, 200)}": ${"provider" in home ? `provider "${home.provider.id}" ${fetchWith === undefined ? "has no live metadata" : "does not know it"}` : "no registered provider serves it"}, and the registry has no record of it`,
    model,
  });
}
