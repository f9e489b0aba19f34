/**
 * A provider as the gateway holds it: checked once and completed once, when
 * it is registered. Missing halves are derived here (a chat `complete` from
 * `stream` and back, the same for generation), methods are bound to their
 * capability objects, batch concurrency is checked, routing hints are
 * copied without stateful regex flags, and the capabilities are read from
 * the capability objects present. Calls then use these fields directly:
 * nothing is derived per call.
 */
import {
  type Capability,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  type ChatTokenCountingRequestV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  chatResultToStreamParts,
  collectChatStreamParts,
  collectGenerationStreamParts,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type GenerationRequestV1,
  type GenerationResultV1,
  type GenerationStreamPartV1,
  generationResultToStreamParts,
  type ListModelsRequestV1,
  type ListModelsResultV1,
  type ModelCatalogV1,
  type ModelSupportV1,
  type NliRequestV1,
  type NliResultV1,
  normalizeSupport,
  type ProviderDescriptorV1,
  type ProviderV1,
  RatatoskrError,
  type RoutingHintV1,
  type TokenCountingRequestV1,
  type TokenCountingResultV1,
  type TokenizeResultV1,
  type WarningV1,
} from "@ratatoskr/core";

/** Both halves of a capability that has two (chat, generation), and its strict-mode check. */
export interface TwoHalves<Request, Result, Part> {
  complete(request: Request): Promise<Result>;
  stream(request: Request): AsyncIterable<Part>;
  /** The warnings a request would produce (strict mode); absent: none known before the answer. */
  warningsFor?(request: Request): readonly WarningV1[];
}

/** A batch capability: its call, its chunk limit per model and its concurrency. */
export interface Batched<Request, Result> {
  call(request: Request): Promise<Result>;
  /** Items one request may carry for a model (undefined: no limit); checked per call. */
  limit(model: string): number | undefined;
  /** The name of the limit, for messages. */
  readonly limitName: string;
  /** Chunk requests in flight at once. */
  readonly parallel: number;
  /** The warnings a request would produce (strict mode); absent: none known before the answer. */
  warningsFor?(request: Request): readonly WarningV1[];
}

/** One unary call and its strict-mode check. */
export interface Unary<Request, Result> {
  call(request: Request): Promise<Result>;
  warningsFor?(request: Request): readonly WarningV1[];
}

/** A provider's model catalog as the gateway holds it: methods checked and bound. */
export interface RegisteredCatalog {
  listModels(request: ListModelsRequestV1): Promise<ListModelsResultV1>;
  fetchModelMetadata: ModelCatalogV1["fetchModelMetadata"];
  modelStatus: ModelCatalogV1["modelStatus"];
}

/** A routing hint of a registered provider (ties between priorities go by `provider.index`). */
export interface RegisteredHint extends RoutingHintV1 {
  readonly provider: RegisteredProvider;
}

/** A registered provider: the provider, its descriptor's hints and its completed capabilities. */
export interface RegisteredProvider {
  readonly id: string;
  /** The id and the aliases: the names that select it. */
  readonly names: readonly string[];
  readonly provider: ProviderV1;
  readonly descriptor: ProviderDescriptorV1<never> | undefined;
  /** Registration order (routing ties go to the lower). */
  readonly index: number;
  readonly capabilities: readonly Capability[];
  readonly toolUse: boolean;
  readonly localInference: boolean;
  readonly routing: readonly RegisteredHint[];
  readonly chat: TwoHalves<ChatRequestV1, ChatResultV1, ChatStreamPartV1> | undefined;
  readonly generation:
    | TwoHalves<GenerationRequestV1, GenerationResultV1, GenerationStreamPartV1>
    | undefined;
  readonly embedding: Batched<EmbeddingRequestV1, EmbeddingResultV1> | undefined;
  readonly nli: Batched<NliRequestV1, NliResultV1> | undefined;
  readonly classification: Unary<ClassificationRequestV1, ClassificationResultV1> | undefined;
  readonly tokenCounting: Unary<TokenCountingRequestV1, TokenCountingResultV1> | undefined;
  /** `tokenCounting.tokenize`, bound (undefined: the provider only counts). */
  readonly tokenize: ((request: TokenCountingRequestV1) => Promise<TokenizeResultV1>) | undefined;
  /** `tokenCounting.countChatTokens`, bound (undefined: it counts texts only). */
  readonly countChatTokens:
    | ((request: ChatTokenCountingRequestV1) => Promise<TokenCountingResultV1>)
    | undefined;
  /** The provider's model catalog, its methods bound (undefined: it has none). */
  readonly models: RegisteredCatalog | undefined;
  /** Whether it serves `model` for `capability` (it offers the capability), with the reason of a decline. */
  supports(capability: Capability, model: string): { supported: boolean; reason?: string };
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;

function configurationError(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message });
}

/** The chat capability, both halves (one derived from the other when missing). */
function chatHalves(provider: ProviderV1): RegisteredProvider["chat"] {
  const model = provider.chat;
  if (model === undefined) return undefined;
  const complete = model.complete?.bind(model);
  const stream = model.stream?.bind(model);
  if (complete === undefined && stream === undefined) {
    throw configurationError(
      `Provider "${provider.id}" has a chat object with neither complete() nor stream()`,
    );
  }
  return {
    complete: complete ?? ((request) => collectChatStreamParts(stream!(request), request.signal)),
    stream: stream ?? ((request) => chatResultToStreamParts(complete!(request))),
    ...(model.warningsFor === undefined ? {} : { warningsFor: model.warningsFor.bind(model) }),
  };
}

/** The generation capability, both halves. */
function generationHalves(provider: ProviderV1): RegisteredProvider["generation"] {
  const model = provider.generation;
  if (model === undefined) return undefined;
  const complete = model.complete?.bind(model);
  const stream = model.stream?.bind(model);
  if (complete === undefined && stream === undefined) {
    throw configurationError(
      `Provider "${provider.id}" has a generation object with neither complete() nor stream()`,
    );
  }
  return {
    complete:
      complete ?? ((request) => collectGenerationStreamParts(stream!(request), request.signal)),
    stream: stream ?? ((request) => generationResultToStreamParts(complete!(request))),
    ...(model.warningsFor === undefined ? {} : { warningsFor: model.warningsFor.bind(model) }),
  };
}

/** `maxParallelCalls` checked: a positive integer or Infinity (default 1). */
function parallelCalls(provider: ProviderV1, declared: number | undefined, where: string): number {
  if (declared === undefined) return 1;
  if (declared === Number.POSITIVE_INFINITY || (Number.isInteger(declared) && declared >= 1)) {
    return declared;
  }
  throw configurationError(
    `Provider "${provider.id}" declares ${where}.maxParallelCalls = ${String(declared)}; expected a positive integer or Infinity`,
  );
}

function requireFunction(provider: ProviderV1, value: unknown, where: string): void {
  if (typeof value !== "function") {
    throw configurationError(`Provider "${provider.id}" has ${where} that is not a function`);
  }
}

function unary<Request, Result>(
  call: (request: Request) => Promise<Result>,
  warningsFor: ((request: Request) => readonly WarningV1[]) | undefined,
): Unary<Request, Result> {
  return warningsFor === undefined ? { call } : { call, warningsFor };
}

/** A routing hint checked and copied (a `g` or `y` flag would make `test()` stateful). */
function copyHint(provider: ProviderV1, hint: RoutingHintV1, index: number): RoutingHintV1 {
  if (
    typeof hint !== "object" ||
    hint === null ||
    !(hint.pattern instanceof RegExp) ||
    !Number.isFinite(hint.priority) ||
    typeof hint.reason !== "string"
  ) {
    throw configurationError(
      `The descriptor of "${provider.id}" has a bad routing hint ${index}: expected {pattern: RegExp, priority: number, reason: string, capabilities?}`,
    );
  }
  const flags = hint.pattern.flags.replace(/[gy]/g, "");
  return {
    pattern: flags === hint.pattern.flags ? hint.pattern : new RegExp(hint.pattern.source, flags),
    priority: hint.priority,
    reason: hint.reason,
    ...(hint.capabilities === undefined ? {} : { capabilities: [...hint.capabilities] }),
  };
}

/** The provider's `models` catalog checked and bound (undefined when it has none). */
function registeredCatalog(provider: ProviderV1): RegisteredCatalog | undefined {
  const catalog = provider.models;
  if (catalog === undefined) return undefined;
  if (catalog === null || typeof catalog !== "object") {
    throw configurationError(`Provider "${provider.id}" has models that is not an object`);
  }
  requireFunction(provider, catalog.listModels, "models.listModels");
  for (const name of ["fetchModelMetadata", "modelStatus"] as const) {
    if (catalog[name] !== undefined) requireFunction(provider, catalog[name], `models.${name}`);
  }
  return {
    listModels: catalog.listModels.bind(catalog),
    fetchModelMetadata: catalog.fetchModelMetadata?.bind(catalog),
    modelStatus: catalog.modelStatus?.bind(catalog),
  };
}

/**
 * Check `provider` and complete it: derived halves, bound methods, checked
 * limits, the capabilities its objects offer, and `descriptor`'s routing
 * hints. Throws a `configuration` error naming what is wrong.
 */
export function registerProvider(
  provider: ProviderV1,
  descriptor: ProviderDescriptorV1<never> | undefined,
  index: number,
): RegisteredProvider {
  if (provider === null || typeof provider !== "object") {
    throw configurationError(`A provider must be an object, got ${String(provider)}`);
  }
  if (provider.specificationVersion !== "v1") {
    throw configurationError(
      `Provider "${String(provider.id)}" implements specification ${String(provider.specificationVersion)}; this gateway needs v1 (ProviderV1)`,
    );
  }
  if (typeof provider.id !== "string" || !ID.test(provider.id)) {
    throw configurationError(
      `Provider id must be lowercase letters, digits, ".", "_" or "-"; got ${JSON.stringify(provider.id)}`,
    );
  }
  for (const alias of provider.aliases ?? []) {
    if (typeof alias !== "string" || !ID.test(alias)) {
      throw configurationError(
        `Provider "${provider.id}" has alias ${JSON.stringify(alias)}; aliases follow the id's rules`,
      );
    }
  }
  const embedding = provider.embedding;
  if (embedding !== undefined) requireFunction(provider, embedding.embed, "embedding.embed");
  const nli = provider.nli;
  if (nli !== undefined) requireFunction(provider, nli.infer, "nli.infer");
  const classification = provider.classification;
  if (classification !== undefined) {
    requireFunction(provider, classification.classifyZeroShot, "classification.classifyZeroShot");
  }
  const tokenCounting = provider.tokenCounting;
  if (tokenCounting !== undefined) {
    requireFunction(provider, tokenCounting.countTokens, "tokenCounting.countTokens");
  }
  for (const name of ["tokenize", "countChatTokens"] as const) {
    if (tokenCounting?.[name] !== undefined) {
      requireFunction(provider, tokenCounting[name], `tokenCounting.${name}`);
    }
  }
  const models = registeredCatalog(provider);
  const supports = provider.supports?.bind(provider);
  const capabilities: Capability[] = [];
  if (provider.chat !== undefined) capabilities.push("chat");
  if (provider.generation !== undefined) capabilities.push("generate");
  if (embedding !== undefined) capabilities.push("embed");
  if (nli !== undefined) capabilities.push("nli");
  if (classification !== undefined) capabilities.push("classify");
  if (tokenCounting !== undefined) capabilities.push("countTokens");
  if (capabilities.length === 0) {
    throw configurationError(`Provider "${provider.id}" offers no capability`);
  }
  const hints = descriptor?.routing ?? [];
  if (!Array.isArray(hints)) {
    throw configurationError(`The descriptor of "${provider.id}" has routing that is not an array`);
  }
  const routing: RegisteredHint[] = [];
  const registered: RegisteredProvider = {
    id: provider.id,
    names: [provider.id, ...(provider.aliases ?? [])],
    provider,
    descriptor,
    index,
    capabilities,
    toolUse: provider.chat !== undefined && provider.chat.toolUse !== false,
    localInference: provider.localInference ?? descriptor?.localInference ?? false,
    routing,
    chat: chatHalves(provider),
    generation: generationHalves(provider),
    embedding:
      embedding === undefined
        ? undefined
        : {
            call: embedding.embed.bind(embedding),
            limit: (model) => embedding.maxEmbeddingsPerCall?.(model),
            limitName: "embedding.maxEmbeddingsPerCall",
            parallel: parallelCalls(provider, embedding.maxParallelCalls, "embedding"),
            ...(embedding.warningsFor === undefined
              ? {}
              : { warningsFor: embedding.warningsFor.bind(embedding) }),
          },
    nli:
      nli === undefined
        ? undefined
        : {
            call: nli.infer.bind(nli),
            limit: (model) => nli.maxPairsPerCall?.(model),
            limitName: "nli.maxPairsPerCall",
            parallel: parallelCalls(provider, nli.maxParallelCalls, "nli"),
            ...(nli.warningsFor === undefined ? {} : { warningsFor: nli.warningsFor.bind(nli) }),
          },
    classification:
      classification === undefined
        ? undefined
        : unary(
            classification.classifyZeroShot.bind(classification),
            classification.warningsFor?.bind(classification),
          ),
    tokenCounting:
      tokenCounting === undefined
        ? undefined
        : unary(
            tokenCounting.countTokens.bind(tokenCounting),
            tokenCounting.warningsFor?.bind(tokenCounting),
          ),
    tokenize: tokenCounting?.tokenize?.bind(tokenCounting),
    countChatTokens: tokenCounting?.countChatTokens?.bind(tokenCounting),
    models,
    supports(capability, model) {
      if (!capabilities.includes(capability)) {
        return { supported: false, reason: `does not offer ${capability}` };
      }
      if (supports === undefined) return { supported: true };
      let answer: ModelSupportV1;
      try {
        answer = supports(capability, model);
      } catch (error) {
        return {
          supported: false,
          reason: `supports() threw: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      const normalized = normalizeSupport(answer);
      return normalized.supported
        ? { supported: true }
        : { supported: false, reason: normalized.reason ?? `declined model "${model}"` };
    },
  };
  for (const [position, hint] of hints.entries()) {
    routing.push({ ...copyHint(provider, hint, position), provider: registered });
  }
  return registered;
}
