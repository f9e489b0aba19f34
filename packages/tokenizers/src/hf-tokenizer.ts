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
import { Tokenizer as ReferenceTokenizer } from "@huggingface/tokenizers";
import { RatatoskrError } from "@ratatoskr/core";
import {
  encodeCompactTokenizer,
  readCompactTokenizer,
  writeFileAtomic,
} from "./compact-tokenizer-file.ts";
import {
  COMPILED_FORMAT,
  type CompiledTokenizerData,
  compileTokenizer,
} from "./compile-tokenizer.ts";
import { cleanUpTokenizationSpaces } from "./compiled-decoders.ts";
import { CompiledTokenizer } from "./compiled-tokenizer.ts";
import { runSlices, type SlicedWork, sliceMeter } from "./slice-meter.ts";

/** Options of {@link HfTokenizer.encode} and {@link HfTokenizer.count}. */
export interface EncodeOptions {
  /** Add the tokenizer's special tokens (BOS, …) around the text. Default false: counts are of the text alone. */
  addSpecialTokens?: boolean;
  /**
   * Recognise special tokens written in the text (`<|im_start|>`) as the
   * special tokens. Default false: user text is counted as text, as provider
   * APIs do. Non-special added tokens are always recognised, as in
   * `tokenizers`. (On the `reference` engine special tokens are always recognised.)
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
}

interface Engine {
  clearCache(): void;
  encode(text: string, options: EncodeOptions): number[];
  count(text: string, options: EncodeOptions): number;
  countInSlices(
    text: string,
    options: EncodeOptions,
    sliceSize: number | undefined,
  ): SlicedWork<number>;
  decode(ids: readonly number[], options: DecodeOptions): string;
  tokenize(text: string, options: EncodeOptions): string[];
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
  readonly #engine: Engine;

  private constructor(
    name: string,
    engine: Engine,
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
   * `tokenizer_config.json` objects. Synchronous; no cache.
   */
  static fromJson(
    tokenizerJson: object | string,
    config: object = {},
    options: { name?: string } = {},
  ): HfTokenizer {
    const json = (
      typeof tokenizerJson === "string" ? JSON.parse(tokenizerJson) : tokenizerJson
    ) as Record<string, unknown>;
    const result = compileTokenizer(json, config as Record<string, unknown>);
    const name = options.name ?? "tokenizer.json";
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
   * (or written to) the compact cache, keyed by the file's path, size and
   * modification time.
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
    const key = `directory\0${absolute}\0${info.size}\0${Math.trunc(info.mtimeMs)}\0${configStamp}`;
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
   * Build from JSON produced by `build`, through the compact cache: when
   * `cacheDirectory` holds a compiled file for `key`, `build` is not called.
   */
  static async fromCache(
    key: string,
    build: () => Promise<{ tokenizer: Record<string, unknown>; config?: Record<string, unknown> }>,
    options: { name: string; cacheDirectory?: string },
  ): Promise<HfTokenizer> {
    const digest = createHash("sha256")
      .update(`${COMPILED_FORMAT}\0${key}`)
      .digest("hex")
      .slice(0, 32);
    const cacheFile = options.cacheDirectory
      ? join(options.cacheDirectory, "tokenizers", "compiled", `${digest}.bin`)
      : undefined;
    if (cacheFile) {
      const cached = await readCompactTokenizer(cacheFile);
      if (cached) return HfTokenizer.fromCompiled(cached, options.name);
    }
    const { tokenizer, config = {} } = await build();
    const result = compileTokenizer(tokenizer, config);
    if (!result.ok) return HfTokenizer.#reference(tokenizer, config, options.name, result.reason);
    if (cacheFile) {
      // Best effort: a read-only cache directory only costs speed.
      await writeFileAtomic(cacheFile, encodeCompactTokenizer(result.data)).catch(() => {});
    }
    return HfTokenizer.fromCompiled(result.data, options.name);
  }

  static #reference(
    json: Record<string, unknown>,
    config: Record<string, unknown>,
    name: string,
    reason: string,
  ): HfTokenizer {
    const reference = new ReferenceTokenizer(json, config);
    const template = config.chat_template;
    const text = (value: unknown) =>
      typeof value === "string" ? value : (value as { content?: string } | undefined)?.content;
    const bosToken = text(config.bos_token);
    const eosToken = text(config.eos_token);
    return new HfTokenizer(
      name,
      {
        clearCache: () => {},
        encode: (input, options) =>
          reference.encode(input, { add_special_tokens: options.addSpecialTokens ?? false }).ids,
        count: (input, options) =>
          reference.encode(input, { add_special_tokens: options.addSpecialTokens ?? false }).ids
            .length,
        // `@huggingface/tokenizers` has no way to pause: the count runs as one slice.
        // biome-ignore lint/correctness/useYield: a generator without pauses, for the shared interface.
        countInSlices: function* (input, options) {
          return reference.encode(input, { add_special_tokens: options.addSpecialTokens ?? false })
            .ids.length;
        },
        decode: (ids, options) => {
          const decoded = reference.decode([...ids], {
            skip_special_tokens: options.skipSpecialTokens ?? false,
            clean_up_tokenization_spaces: false,
          });
          return options.cleanUpTokenizationSpaces ? cleanUpTokenizationSpaces(decoded) : decoded;
        },
        tokenize: (input, options) =>
          reference.tokenize(input, { add_special_tokens: options.addSpecialTokens ?? false }),
      },
      "reference",
      {
        reason,
        ...(typeof template === "string" ? { chatTemplate: template } : {}),
        ...(bosToken ? { bosToken } : {}),
        ...(eosToken ? { eosToken } : {}),
      },
    );
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

  /** Text of `ids`. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    return this.#engine.decode(ids, options);
  }
}
