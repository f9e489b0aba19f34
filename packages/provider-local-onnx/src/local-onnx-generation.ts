/**
 * Text generation with a causal LM exported to ONNX with a KV cache, as
 * Optimum exports decoders: inputs `input_ids`, `attention_mask`,
 * (`position_ids`), `past_key_values.N.key|value`, (`use_cache_branch`);
 * outputs `logits` and `present.N.key|value`. The prompt runs once
 * (prefill), then one token per step reusing the cache, and no pass after
 * the last token. Decoding settings the caller leaves unset come from the
 * model's `generation_config.json` (`do_sample`, `temperature`, `top_k`,
 * `top_p`, `repetition_penalty`, `eos_token_id`): greedy unless it or the
 * caller asks for sampling; stop sequences; streaming text that never splits
 * a multi-byte character. What the caller asked for and the model cannot do
 * (top-k / top-p under greedy decoding, more tokens than the context window
 * leaves) comes back as a warning part, never silence.
 *
 * @see https://huggingface.co/docs/optimum/exporters/onnx/usage_guides/export_a_model#exporting-a-model-using-past-keysvalues-in-the-decoder
 * @see https://huggingface.co/docs/transformers/generation_strategies
 */
import {
  abortedError,
  createUsage,
  type FinishReason,
  type GenerationStreamPartV1,
  RatatoskrError,
  type Usage,
  type WarningV1,
} from "@ratatoskr/core";
import type * as Ort from "onnxruntime-node";
import { runSession } from "./encoder-feeds.ts";
import { tokenText } from "./model-tokenizer.ts";
import type { LoadedOnnxModel } from "./onnx-model-loader.ts";
import {
  applyRepetitionPenalty,
  type SamplingOptions,
  seededRandom,
  selectToken,
} from "./select-token.ts";

/** Decoding settings of one generation, as the caller gives them; unset ones come from `generation_config.json`. */
export interface DecodingOptions {
  maxTokens?: number;
  /** 0: greedy. Unset: `generation_config.json`'s `temperature` when its `do_sample` is true, else greedy. */
  temperature?: number;
  /** Unset: `generation_config.json`'s `top_k` (none when it has none). */
  topK?: number;
  /** Unset: `generation_config.json`'s `top_p`. */
  topP?: number;
  /** transformers' repetition penalty (1: off). Unset: `generation_config.json`'s `repetition_penalty`. */
  repetitionPenalty?: number;
  seed?: number;
  stopSequences?: string[];
  signal?: AbortSignal;
}

/** What one generation runs with once `generation_config.json` filled in what the caller left unset. */
export interface ResolvedDecoding extends SamplingOptions {
  repetitionPenalty: number;
  /** End-of-sequence ids (any of them ends the generation). */
  endOfSequence: ReadonlySet<number>;
}

/** Default `maxTokens` when the caller sets none. */
export const DEFAULT_MAX_TOKENS = 256;

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const KNOWN_DECODER_INPUTS = new Set([
  "input_ids",
  "attention_mask",
  "position_ids",
  "use_cache_branch",
]);

function numberOrFirst(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.filter((item): item is number => typeof item === "number");
  return [];
}

/**
 * One sequence's decoding state on a causal-LM session: `prefill(ids)` runs
 * the prompt, `step(id)` one more token; both return the next-token logits.
 * The KV cache moves from `present.N.*` outputs to `past_key_values.N.*` inputs.
 */
export class CausalLmSession {
  readonly #model: LoadedOnnxModel;
  readonly #pastNames: string[];
  readonly #presentNames: string[];
  readonly #inputs: { attentionMask: boolean; positionIds: boolean; useCacheBranch: boolean };
  readonly #heads: number;
  readonly #headSize: number;
  #past: Record<string, Ort.Tensor> = {};
  #length = 0;

  constructor(model: LoadedOnnxModel) {
    this.#model = model;
    const { session, config, spec } = model;
    this.#pastNames = session.inputNames.filter((name) => PAST.test(name));
    const fail = (message: string) =>
      new RatatoskrError({
        code: "configuration",
        provider: "local",
        model: spec.name,
        message: `Model "${spec.name}": ${message}`,
      });
    if (!session.inputNames.includes("input_ids") || !session.outputNames.includes("logits")) {
      throw fail("not a causal LM export (needs input_ids → logits)");
    }
    if (this.#pastNames.length === 0)
      throw fail("has no past_key_values.N.key/value inputs (export it with a KV cache)");
    for (const name of this.#pastNames) {
      if (!session.outputNames.includes(name.replace("past_key_values", "present"))) {
        throw fail(`has ${name} but no ${name.replace("past_key_values", "present")} output`);
      }
    }
    const unknown = session.inputNames.filter(
      (name) => !PAST.test(name) && !KNOWN_DECODER_INPUTS.has(name),
    );
    if (unknown.length > 0) {
      throw fail(
        `has input(s) ${unknown.join(", ")} that this provider cannot fill (supported: ${[...KNOWN_DECODER_INPUTS].join(", ")}, past_key_values.N.key/value)`,
      );
    }
    const metadata = (
      session as unknown as {
        inputMetadata?: ReadonlyArray<{
          name: string;
          type?: string;
          shape?: ReadonlyArray<number | string>;
        }>;
      }
    ).inputMetadata?.find((entry) => entry.name === this.#pastNames[0]);
    if (metadata?.type !== undefined && metadata.type !== "float32") {
      throw fail(
        `has a ${metadata.type} KV cache; only float32 caches are supported (use the fp32 / int8-weights export)`,
      );
    }
    const shape = metadata?.shape ?? [];
    const configHeads = numberOrFirst(
      config.num_key_value_heads ?? config.num_attention_heads ?? config.n_head,
    )[0];
    const heads = typeof shape[1] === "number" && shape[1] > 0 ? shape[1] : configHeads;
    const hidden = numberOrFirst(config.hidden_size ?? config.n_embd)[0];
    const configHeadSize =
      numberOrFirst(config.head_dim)[0] ??
      (hidden !== undefined && configHeads ? hidden / configHeads : undefined);
    const headSize = typeof shape[3] === "number" && shape[3] > 0 ? shape[3] : configHeadSize;
    if (!heads || !headSize)
      throw fail(
        "cannot tell the KV cache shape (no static dims, no num_key_value_heads/head_dim in config.json)",
      );
    this.#heads = heads;
    this.#headSize = headSize;
    this.#presentNames = this.#pastNames.map((name) => name.replace("past_key_values", "present"));
    this.#inputs = {
      attentionMask: session.inputNames.includes("attention_mask"),
      positionIds: session.inputNames.includes("position_ids"),
      useCacheBranch: session.inputNames.includes("use_cache_branch"),
    };
    this.reset();
  }

  /** Tokens in the cache so far. */
  get length(): number {
    return this.#length;
  }

  /** Forget the cache. */
  reset(): void {
    const { ort } = this.#model;
    this.#past = {};
    for (const name of this.#pastNames) {
      this.#past[name] = new ort.Tensor("float32", new Float32Array(0), [
        1,
        this.#heads,
        0,
        this.#headSize,
      ]);
    }
    this.#length = 0;
  }

  /** Run the prompt; returns the logits for the token after it. */
  prefill(ids: readonly number[]): Promise<Float32Array> {
    this.reset();
    return this.#run(ids);
  }

  /** Append one token; returns the logits for the token after it. */
  step(id: number): Promise<Float32Array> {
    return this.#run([id]);
  }

  async #run(ids: readonly number[]): Promise<Float32Array> {
    const { ort } = this.#model;
    const count = ids.length;
    const total = this.#length + count;
    const feeds: Record<string, Ort.Tensor> = { ...this.#past };
    feeds.input_ids = new ort.Tensor(
      "int64",
      BigInt64Array.from(ids, (id) => BigInt(id)),
      [1, count],
    );
    if (this.#inputs.attentionMask) {
      feeds.attention_mask = new ort.Tensor("int64", new BigInt64Array(total).fill(1n), [1, total]);
    }
    if (this.#inputs.positionIds) {
      feeds.position_ids = new ort.Tensor(
        "int64",
        BigInt64Array.from({ length: count }, (_, index) => BigInt(this.#length + index)),
        [1, count],
      );
    }
    if (this.#inputs.useCacheBranch) {
      feeds.use_cache_branch = new ort.Tensor(
        "bool",
        new Uint8Array([this.#length > 0 ? 1 : 0]),
        [1],
      );
    }
    const outputs = await runSession(this.#model, feeds);
    const logits = outputs.logits!;
    const vocabulary = logits.dims[logits.dims.length - 1]!;
    const data = logits.data as Float32Array;
    this.#pastNames.forEach((name, index) => {
      this.#past[name] = outputs[this.#presentNames[index]!] as Ort.Tensor;
    });
    this.#length = total;
    // Copy: the output buffer belongs to onnxruntime's tensor.
    return data.slice(data.length - vocabulary);
  }
}

/** Longest suffix of `text` that is a proper prefix of one of `stops` (held back while streaming). */
function heldBack(text: string, stops: readonly string[]): number {
  let hold = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > hold; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        hold = length;
        break;
      }
    }
  }
  return hold;
}

/** Context window of the model (positions), from config.json or tokenizer_config.json. */
export function contextWindow(model: LoadedOnnxModel): number {
  const fromConfig = numberOrFirst(
    model.config.max_position_embeddings ?? model.config.n_positions,
  )[0];
  if (fromConfig !== undefined) return fromConfig;
  const fromTokenizer = numberOrFirst(model.tokenizer.config.model_max_length)[0];
  return fromTokenizer !== undefined && fromTokenizer < 1e7
    ? fromTokenizer
    : Number.POSITIVE_INFINITY;
}

/** End-of-sequence token ids: generation_config.json (a number or a list), config.json, then the tokenizer's eos_token. */
export function endOfSequenceIds(model: LoadedOnnxModel): Set<number> {
  const ids = numberOrFirst(model.generationConfig.eos_token_id ?? model.config.eos_token_id);
  if (ids.length === 0) {
    const token = tokenText(model.tokenizer.config.eos_token);
    const id = token === undefined ? undefined : model.tokenizer.tokenId(token);
    if (id !== undefined) ids.push(id);
  }
  return new Set(ids);
}

/** A number field of `generation_config.json` (absent or null: undefined); anything else is a configuration error. */
function generationSetting(model: LoadedOnnxModel, key: string): number | undefined {
  const value = model.generationConfig[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  throw new RatatoskrError({
    code: "configuration",
    provider: "local",
    model: model.spec.name,
    message: `Model "${model.spec.name}": generation_config.json ${key} must be a number, got ${JSON.stringify(value)}`,
  });
}

/**
 * The settings a generation runs with: each one the caller sets, else the
 * model's `generation_config.json`, as transformers' `generate(**kwargs)`
 * overrides its generation config field by field. Sampling happens when the
 * caller gives a temperature above 0, or gives none and the file says
 * `do_sample: true` (its `temperature`, default 1). An absent `top_k` means
 * no top-k cut (transformers' class default would be 50).
 *
 * @see https://huggingface.co/docs/transformers/main_classes/text_generation#transformers.GenerationConfig
 */
export function resolveDecoding(
  model: LoadedOnnxModel,
  options: DecodingOptions,
): ResolvedDecoding {
  const doSample = model.generationConfig.do_sample;
  if (doSample !== undefined && doSample !== null && typeof doSample !== "boolean") {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: model.spec.name,
      message: `Model "${model.spec.name}": generation_config.json do_sample must be true or false, got ${JSON.stringify(doSample)}`,
    });
  }
  const fileTemperature = generationSetting(model, "temperature");
  const topK = options.topK ?? generationSetting(model, "top_k");
  const topP = options.topP ?? generationSetting(model, "top_p");
  const repetitionPenalty =
    options.repetitionPenalty ?? generationSetting(model, "repetition_penalty") ?? 1;
  if (!(repetitionPenalty > 0)) {
    throw new RatatoskrError({
      code: "configuration",
      provider: "local",
      model: model.spec.name,
      message: `Model "${model.spec.name}": generation_config.json repetition_penalty must be above 0, got ${repetitionPenalty}`,
    });
  }
  return {
    temperature: options.temperature ?? (doSample === true ? (fileTemperature ?? 1) : 0),
    ...(topK === undefined ? {} : { topK }),
    ...(topP === undefined ? {} : { topP }),
    repetitionPenalty,
    endOfSequence: endOfSequenceIds(model),
  };
}

/**
 * The warnings for sampling settings the caller gave that greedy decoding
 * (temperature 0) ignores: `topK` and `topP` choose among tokens to sample,
 * and greedy decoding samples none.
 */
export function greedyIgnoredSettings(
  options: Pick<DecodingOptions, "topK" | "topP">,
): WarningV1[] {
  return (["topK", "topP"] as const)
    .filter((setting) => options[setting] !== undefined)
    .map((setting) => ({
      type: "unsupported_setting",
      setting,
      details: `greedy decoding (temperature 0) ignores ${setting}; set a temperature above 0 to sample`,
    }));
}

/**
 * Generate from `prompt`, yielding generation stream parts (provider
 * specification v1): `warning` parts for what the model cannot honour as
 * asked (known once the model and the prompt are), `text` parts (never a
 * broken multi-byte character, never part of a stop sequence), then `usage`
 * and `done`. Warnings the request alone predicts (an explicit temperature
 * 0 with `topK` or `topP`) are the caller's to report; this reports the
 * greedy decoding that `generation_config.json` chose.
 */
export async function* generateTokens(
  model: LoadedOnnxModel,
  prompt: string,
  options: DecodingOptions,
): AsyncGenerator<GenerationStreamPartV1> {
  const { tokenizer, spec } = model;
  const { signal } = options;
  let promptIds = tokenizer.tokenizer.encode(prompt).ids;
  const decoding = resolveDecoding(model, options);
  const endIds = decoding.endOfSequence;
  if (promptIds.length === 0) {
    const bos = numberOrFirst(model.generationConfig.bos_token_id ?? model.config.bos_token_id)[0];
    if (bos === undefined)
      throw new RatatoskrError({
        code: "invalid_input",
        message: "prompt encodes to no tokens",
        model: spec.name,
      });
    promptIds = [bos];
  }
  const window = contextWindow(model);
  if (promptIds.length >= window) {
    throw new RatatoskrError({
      code: "context_length_exceeded",
      provider: "local",
      model: spec.name,
      limit: window,
      message: `The prompt has ${promptIds.length} tokens; model "${spec.name}" takes at most ${window}`,
    });
  }
  // Prompt plus generated tokens never exceed the context window.
  const left = window - promptIds.length;
  const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, left);
  if (options.temperature === undefined && decoding.temperature === 0) {
    for (const warning of greedyIgnoredSettings(options)) yield { type: "warning", warning };
  }
  if (options.maxTokens !== undefined && options.maxTokens > left) {
    yield {
      type: "warning",
      warning: {
        type: "other",
        message: `maxTokens ${options.maxTokens} is more than the ${left} tokens model "${spec.name}" has left after the ${promptIds.length}-token prompt (context window ${window}): generating at most ${left}`,
      },
    };
  }
  const stops = (options.stopSequences ?? []).filter((stop) => stop.length > 0);
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const session = new CausalLmSession(model);
  const generated: number[] = [];
  let emitted = 0;
  let text = "";
  let prefixOffset = 0;
  let readOffset = 0;
  let finishReason: FinishReason = "length";
  const partial = () => ({ content: text.slice(0, emitted) });

  if (signal?.aborted) throw abortedError(signal);
  // Prompt and output so far, for the repetition penalty.
  const context = new Set(promptIds);
  let logits = await session.prefill(promptIds);
  let produced = 0;
  while (produced < maxTokens) {
    if (signal?.aborted) throw abortedError(signal, partial());
    applyRepetitionPenalty(logits, context, decoding.repetitionPenalty);
    const token = selectToken(logits, decoding, random);
    produced++;
    if (endIds.has(token)) {
      finishReason = "stop";
      break;
    }
    generated.push(token);
    context.add(token);
    // Incremental detokenisation (as text-generation-inference does): decode a short window that
    // starts a few tokens back, and append what it adds once it does not end in a partial character.
    const known = tokenizer.decode(generated.slice(prefixOffset, readOffset));
    const extended = tokenizer.decode(generated.slice(prefixOffset));
    if (extended.length > known.length && !extended.endsWith("\uFFFD")) {
      text += extended.slice(known.length);
      prefixOffset = readOffset;
      readOffset = generated.length;
      let stopAt = -1;
      for (const stop of stops) {
        const index = text.indexOf(stop, Math.max(0, emitted - stop.length));
        if (index >= 0 && (stopAt < 0 || index < stopAt)) stopAt = index;
      }
      if (stopAt >= 0) {
        if (stopAt > emitted) yield { type: "text", text: text.slice(emitted, stopAt) };
        emitted = stopAt;
        text = text.slice(0, stopAt);
        finishReason = "stop";
        break;
      }
      const safe = text.length - heldBack(text, stops);
      if (safe > emitted) {
        yield { type: "text", text: text.slice(emitted, safe) };
        emitted = safe;
      }
    }
    // No forward pass after the last token: its logits would never be used.
    if (produced < maxTokens) logits = await session.step(token);
  }
  if (finishReason !== "stop" || emitted < text.length) {
    // Tokens still undecoded at the end (a character cut by maxTokens) are flushed as they decode.
    if (readOffset < generated.length) {
      const known = tokenizer.decode(generated.slice(prefixOffset, readOffset));
      text += tokenizer.decode(generated.slice(prefixOffset)).slice(known.length);
    }
    if (text.length > emitted) yield { type: "text", text: text.slice(emitted) };
    emitted = text.length;
  }
  const usage: Usage = createUsage(promptIds.length, produced);
  yield { type: "usage", usage };
  yield { type: "done", finishReason, usage };
}
