/**
 * Compiles a Hugging Face `tokenizer.json` (plus `tokenizer_config.json`)
 * into the plain data {@link CompiledTokenizer} runs on: normaliser and
 * pre-tokenizer steps, vocabulary strings and merge rules as id triples.
 * The same data is what the compact cache stores, so a second load skips
 * JSON parsing and merge-string handling entirely.
 *
 * Only configurations whose behaviour is reproduced exactly are compiled;
 * anything else returns the reason, and {@link HfTokenizer} then uses
 * `@huggingface/tokenizers` as it comes.
 *
 * @see https://huggingface.co/docs/tokenizers/api/normalizers
 * @see https://huggingface.co/docs/tokenizers/api/pre-tokenizers
 * @see https://huggingface.co/docs/tokenizers/api/models#tokenizers.models.BPE
 * @see https://huggingface.co/docs/tokenizers/api/decoders
 */
import { BYTE_LEVEL_SPLIT_PATTERN, BYTE_TO_CHARACTER } from "./byte-level.ts";
import { translateOnigurumaPattern } from "./oniguruma-pattern.ts";
import type { RankTable } from "./rank-table.ts";

/** A normaliser step the compiled engine runs. */
export type NormalizerStep =
  | {
      /** Unicode normalisation. */
      type: "unicode";
      /** The normalisation form. */
      form: "NFC" | "NFD" | "NFKC" | "NFKD";
    }
  | {
      /** Replace every match of `pattern` with `content`. */
      type: "replace";
      /** The text to find. */
      pattern: string;
      /** Its replacement. */
      content: string;
    }
  | {
      /** Put `prepend` before the text (when it is not empty). */
      type: "prepend";
      /** The text put before. */
      prepend: string;
    }
  | {
      /** Lower-case the text. */
      type: "lowercase";
    };

/** How a split keeps its delimiters (the `tokenizers` SplitDelimiterBehavior). */
export type SplitBehavior =
  | "removed"
  | "isolated"
  | "mergedwithprevious"
  | "mergedwithnext"
  | "contiguous";

/** A pre-tokenizer step the compiled engine runs. */
export type PreTokenizerStep =
  | {
      /** Split on a pattern. */
      type: "split";
      /** The pattern as a regular expression (translated from Oniguruma). */
      regex?: string;
      /** The pattern as a literal string. */
      string?: string;
      /** What happens to the matches. */
      behavior: SplitBehavior;
      /** Split on what does not match instead. */
      invert: boolean;
    }
  | {
      /** Replace spaces with a marker (SentencePiece's `▁`). */
      type: "metaspace";
      /** The marker. */
      replacement: string;
      /** When a marker goes before the text: always, first piece only, or never. */
      prependScheme: "always" | "first" | "never";
      /** Also split the text at each marker. */
      split: boolean;
    };

/** A decoder step the compiled engine runs. */
export type DecoderStep =
  | {
      /** Map the GPT-2 byte alphabet back to bytes. */
      type: "byteLevel";
    }
  | {
      /** Replace every occurrence of `pattern` with `content`. */
      type: "replace";
      /** The text to find. */
      pattern: string;
      /** Its replacement. */
      content: string;
    }
  | {
      /** Turn `<0xNN>` byte tokens back into bytes. */
      type: "byteFallback";
    }
  | {
      /** Join every token into one string. */
      type: "fuse";
    }
  | {
      /** Remove `content` from the start and end of each token. */
      type: "strip";
      /** The character removed. */
      content: string;
      /** How many to remove from the start. */
      start: number;
      /** How many to remove from the end. */
      stop: number;
    }
  | {
      /** Turn the metaspace marker back into spaces. */
      type: "metaspace";
      /** The marker. */
      replacement: string;
      /** Whether a leading space was added (and is removed): always, first piece only, or never. */
      prependScheme: "always" | "first" | "never";
    };

/** An added token (special or not) of the tokenizer. */
export interface CompiledAddedToken {
  /** Its id. */
  id: number;
  /** Its text. */
  content: string;
  /** Whether it is a special token (`<s>`, `<|im_start|>`, …). */
  special: boolean;
}

/** Everything but the vocabulary strings and merges: the header of the compact form. */
export interface CompiledTokenizerSpec {
  /** Version of this format; bumped when the engine's interpretation changes. */
  format: number;
  /** The normaliser steps, in order. */
  normalizers: NormalizerStep[];
  /** The pre-tokenizer steps, in order. */
  preTokenizers: PreTokenizerStep[];
  /** Byte-level BPE (GPT-2 byte alphabet) rather than characters with byte fallback. */
  byteLevel: boolean;
  /**
   * For models whose pre-tokenizer leaves whole lines in one piece
   * (SentencePiece-style `▁` words): split before `marker` when the previous
   * character is not in `unsafeBefore`. Safe because no vocabulary token spans
   * such a boundary, so no merge can cross it.
   */
  wordBoundary?: {
    /** The word marker (`▁`). */
    marker: string;
    /** The characters after which a split is not safe. */
    unsafeBefore: string;
  };
  /** BPE `ignore_merges`: a word that is in the vocabulary is one token, without merges. */
  ignoreMerges: boolean;
  /** BPE `byte_fallback`: an unknown character becomes its `<0xNN>` byte tokens. */
  byteFallback: boolean;
  /** BPE `fuse_unk`: consecutive unknown tokens become one. */
  fuseUnknown: boolean;
  /** The id of the unknown token (-1 when there is none). */
  unknownId: number;
  /** The added tokens, matched in the text before the model runs. */
  addedTokens: CompiledAddedToken[];
  /** Ids added before/after a single sequence when special tokens are requested. */
  prefixIds: number[];
  /** Ids added after a single sequence when special tokens are requested. */
  suffixIds: number[];
  /** The decoder steps, in order. */
  decoders: DecoderStep[];
  /** `clean_up_tokenization_spaces` from the tokenizer config. */
  cleanUpTokenizationSpaces: boolean;
  /** The Jinja chat template from the tokenizer config. */
  chatTemplate?: string;
  /** The beginning-of-sequence token from the tokenizer config. */
  bosToken?: string;
  /** The end-of-sequence token from the tokenizer config. */
  eosToken?: string;
}

/**
 * A compiled tokenizer: the header, and either the vocabulary by id with
 * the merges as `[left, right, merged]` triples (from a `tokenizer.json`),
 * or a tiktoken rank table whose merges follow from the ranks.
 */
export type CompiledTokenizerData = ListedTokenizerData | RankedTokenizerData;

/** A compiled `tokenizer.json`: vocabulary and merges listed. */
export interface ListedTokenizerData {
  /** The header. */
  spec: CompiledTokenizerSpec;
  /** Token string by id ("" for unused ids). */
  vocabulary: string[];
  /** The merge rules as `[left, right, merged]` id triples, by priority. */
  merges: Int32Array;
}

/** A tiktoken encoding held as its rank table (see `RankTable`); added tokens are in the spec. */
export interface RankedTokenizerData {
  /** The header. */
  spec: CompiledTokenizerSpec;
  /** The tiktoken rank table. */
  ranks: RankTable;
}

/** The current compact format version. */
export const COMPILED_FORMAT = 2;

/** Result of {@link compileTokenizer}: the data, or why the engine cannot run this tokenizer exactly. */
export type CompileResult =
  | {
      /** Compiled. */
      ok: true;
      /** The compiled tokenizer. */
      data: ListedTokenizerData;
    }
  | {
      /** Not compiled. */
      ok: false;
      /** Why the engine cannot run the tokenizer exactly. */
      reason: string;
    };

type Json = Record<string, unknown>;

class Unsupported extends Error {}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

/** Compile a `tokenizer.json` object and its `tokenizer_config.json` object. */
export function compileTokenizer(tokenizer: Json, config: Json = {}): CompileResult {
  try {
    return { ok: true, data: compile(tokenizer, config) };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.message };
    throw error;
  }
}

function compile(tokenizer: Json, config: Json): ListedTokenizerData {
  const model = (tokenizer.model ?? {}) as Json;
  if (model.type !== "BPE") unsupported(`model type ${String(model.type)}`);
  if (typeof model.dropout === "number" && model.dropout > 0) unsupported("BPE dropout");
  if (model.continuing_subword_prefix) unsupported("continuing_subword_prefix");
  if (model.end_of_word_suffix) unsupported("end_of_word_suffix");

  const vocab = (model.vocab ?? {}) as Record<string, number>;
  const vocabulary: string[] = [];
  const toId = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    vocabulary[id] = token;
    toId.set(token, id);
  }
  const addedTokens: CompiledAddedToken[] = [];
  for (const raw of (tokenizer.added_tokens ?? []) as Json[]) {
    const added = {
      id: raw.id as number,
      content: raw.content as string,
      special: Boolean(raw.special),
      normalized: (raw.normalized as boolean | undefined) ?? !raw.special,
    };
    if (raw.lstrip || raw.rstrip || raw.single_word)
      unsupported("added token with lstrip/rstrip/single_word");
    addedTokens.push({ id: added.id, content: added.content, special: added.special });
    if (vocabulary[added.id] === undefined) vocabulary[added.id] = added.content;
    if (added.normalized && !added.special)
      (addedTokens.at(-1) as { normalized?: boolean }).normalized = true;
  }
  for (let id = 0; id < vocabulary.length; id++)
    if (vocabulary[id] === undefined) vocabulary[id] = "";

  const normalizers = compileNormalizer(tokenizer.normalizer as Json | null);
  const identityNormalizer = normalizers.length === 0;
  if (
    !identityNormalizer &&
    addedTokens.some((token) => (token as { normalized?: boolean }).normalized)
  ) {
    unsupported("normalized added tokens with a normalizer");
  }
  for (const token of addedTokens) delete (token as { normalized?: boolean }).normalized;

  const { steps: preTokenizers, byteLevel } = compilePreTokenizer(
    tokenizer.pre_tokenizer as Json | null,
  );

  const merges = compileMerges(model.merges as unknown[] | undefined, toId);
  const unknownToken = model.unk_token as string | null | undefined;
  const unknownId = unknownToken ? (toId.get(unknownToken) ?? -1) : -1;

  if (byteLevel) {
    for (let byte = 0; byte < 256; byte++) {
      if (!toId.has(BYTE_TO_CHARACTER[byte]!))
        unsupported("byte-level vocabulary without every byte");
    }
  }

  const spec: CompiledTokenizerSpec = {
    format: COMPILED_FORMAT,
    normalizers,
    preTokenizers,
    byteLevel,
    ignoreMerges: Boolean(model.ignore_merges),
    byteFallback: Boolean(model.byte_fallback),
    fuseUnknown: Boolean(model.fuse_unk),
    unknownId,
    addedTokens,
    ...compilePostProcessor(tokenizer.post_processor as Json | null),
    decoders: compileDecoder(tokenizer.decoder as Json | null),
    cleanUpTokenizationSpaces: Boolean(config.clean_up_tokenization_spaces),
  };
  if (!byteLevel) {
    const boundary = findWordBoundary(vocabulary, preTokenizers, normalizers);
    if (boundary) spec.wordBoundary = boundary;
  }
  const template = config.chat_template;
  if (typeof template === "string") spec.chatTemplate = template;
  else if (Array.isArray(template)) {
    const main = (template as Json[]).find((entry) => entry.name === "default") ?? template[0];
    if (main && typeof (main as Json).template === "string")
      spec.chatTemplate = (main as Json).template as string;
  }
  const bos = tokenText(config.bos_token);
  const eos = tokenText(config.eos_token);
  if (bos !== undefined) spec.bosToken = bos;
  if (eos !== undefined) spec.eosToken = eos;
  return { spec, vocabulary, merges };
}

function tokenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Json).content === "string") {
    return (value as Json).content as string;
  }
  return undefined;
}

function compileNormalizer(normalizer: Json | null | undefined): NormalizerStep[] {
  if (!normalizer) return [];
  switch (normalizer.type) {
    case "Sequence":
      return ((normalizer.normalizers ?? []) as Json[]).flatMap((inner) =>
        compileNormalizer(inner),
      );
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD":
      return [{ type: "unicode", form: normalizer.type }];
    case "Lowercase":
      return [{ type: "lowercase" }];
    case "Prepend":
      return [{ type: "prepend", prepend: normalizer.prepend as string }];
    case "Replace": {
      const pattern = normalizer.pattern as Json;
      if (typeof pattern.String !== "string") unsupported("Replace normalizer with a regex");
      return [{ type: "replace", pattern: pattern.String, content: normalizer.content as string }];
    }
    default:
      return unsupported(`normalizer ${String(normalizer.type)}`);
  }
}

function compilePreTokenizer(preTokenizer: Json | null | undefined): {
  steps: PreTokenizerStep[];
  byteLevel: boolean;
} {
  const steps: PreTokenizerStep[] = [];
  let byteLevel = false;
  const visit = (node: Json) => {
    switch (node.type) {
      case "Sequence":
        for (const inner of (node.pretokenizers ?? []) as Json[]) visit(inner);
        return;
      case "Split": {
        const pattern = node.pattern as Json;
        const behavior = String(node.behavior ?? "Isolated").toLowerCase() as SplitBehavior;
        const invert = Boolean(node.invert);
        if (typeof pattern.Regex === "string") {
          const translated = translateOnigurumaPattern(pattern.Regex);
          if (!translated.ok) unsupported(`Split pattern: ${translated.reason}`);
          steps.push({ type: "split", regex: translated.source, behavior, invert });
        } else if (typeof pattern.String === "string") {
          steps.push({ type: "split", string: pattern.String, behavior, invert });
        } else unsupported("Split pattern");
        return;
      }
      case "ByteLevel": {
        if (node.add_prefix_space) unsupported("ByteLevel add_prefix_space");
        if (node.use_regex !== false) {
          steps.push({
            type: "split",
            regex: BYTE_LEVEL_SPLIT_PATTERN,
            behavior: "isolated",
            invert: false,
          });
        }
        byteLevel = true;
        return;
      }
      case "Metaspace": {
        const scheme =
          (node.prepend_scheme as string | undefined) ??
          (node.add_prefix_space === false ? "never" : "always");
        steps.push({
          type: "metaspace",
          replacement: (node.replacement as string | undefined) ?? "▁",
          prependScheme: scheme as "always" | "first" | "never",
          split: node.split !== false,
        });
        return;
      }
      default:
        unsupported(`pre-tokenizer ${String(node.type)}`);
    }
  };
  if (preTokenizer) visit(preTokenizer);
  if (byteLevel && steps.some((step) => step.type === "metaspace"))
    unsupported("ByteLevel with Metaspace");
  return { steps, byteLevel };
}

function compileMerges(raw: unknown[] | undefined, toId: Map<string, number>): Int32Array {
  const merges = raw ?? [];
  const out = new Int32Array(merges.length * 3);
  let count = 0;
  for (const merge of merges) {
    let left: string;
    let right: string;
    if (typeof merge === "string") {
      const space = merge.indexOf(" ", 1);
      if (space === -1) continue;
      left = merge.slice(0, space);
      right = merge.slice(space + 1);
    } else {
      [left, right] = merge as [string, string];
    }
    const leftId = toId.get(left);
    const rightId = toId.get(right);
    const mergedId = toId.get(left + right);
    if (leftId === undefined || rightId === undefined || mergedId === undefined) continue;
    out[count * 3] = leftId;
    out[count * 3 + 1] = rightId;
    out[count * 3 + 2] = mergedId;
    count++;
  }
  return out.slice(0, count * 3);
}

/** The ids a post-processor adds around a single sequence (`TemplateProcessing`, `BertProcessing`, `RobertaProcessing`). */
export function compilePostProcessor(processor: Json | null | undefined): {
  /** The ids added before the sequence. */
  prefixIds: number[];
  /** The ids added after the sequence. */
  suffixIds: number[];
} {
  const prefixIds: number[] = [];
  const suffixIds: number[] = [];
  const visit = (node: Json | null | undefined) => {
    if (!node) return;
    if (node.type === "Sequence") {
      for (const inner of (node.processors ?? []) as Json[]) visit(inner);
    } else if (node.type === "TemplateProcessing") {
      const special = (node.special_tokens ?? {}) as Record<string, { ids: number[] }>;
      let seenSequence = false;
      for (const item of (node.single ?? []) as Json[]) {
        if (item.Sequence) seenSequence = true;
        else if (item.SpecialToken) {
          const ids = special[(item.SpecialToken as Json).id as string]?.ids ?? [];
          (seenSequence ? suffixIds : prefixIds).push(...ids);
        }
      }
    } else if (node.type === "BertProcessing" || node.type === "RobertaProcessing") {
      prefixIds.push((node.cls as [string, number])[1]);
      suffixIds.push((node.sep as [string, number])[1]);
    }
  };
  visit(processor);
  return { prefixIds, suffixIds };
}

function compileDecoder(decoder: Json | null | undefined): DecoderStep[] {
  if (!decoder) return [];
  switch (decoder.type) {
    case "Sequence":
      return ((decoder.decoders ?? []) as Json[]).flatMap((inner) => compileDecoder(inner));
    case "ByteLevel":
      return [{ type: "byteLevel" }];
    case "ByteFallback":
      return [{ type: "byteFallback" }];
    case "Fuse":
      return [{ type: "fuse" }];
    case "Strip":
      return [
        {
          type: "strip",
          content: decoder.content as string,
          start: decoder.start as number,
          stop: decoder.stop as number,
        },
      ];
    case "Replace": {
      const pattern = decoder.pattern as Json;
      if (typeof pattern.String !== "string") unsupported("Replace decoder with a regex");
      return [{ type: "replace", pattern: pattern.String, content: decoder.content as string }];
    }
    case "Metaspace": {
      const scheme =
        (decoder.prepend_scheme as string | undefined) ??
        (decoder.add_prefix_space === false ? "never" : "always");
      return [
        {
          type: "metaspace",
          replacement: (decoder.replacement as string | undefined) ?? "▁",
          prependScheme: scheme as "always" | "first" | "never",
        },
      ];
    }
    default:
      return unsupported(`decoder ${String(decoder.type)}`);
  }
}

/**
 * For character-level (SentencePiece-style) models: the word marker and the
 * characters that may precede it inside a vocabulary token. Splitting before
 * the marker elsewhere cannot change the result, since no merge can produce
 * a token across such a boundary.
 */
function findWordBoundary(
  vocabulary: readonly string[],
  preTokenizers: readonly PreTokenizerStep[],
  normalizers: readonly NormalizerStep[],
): { marker: string; unsafeBefore: string } | undefined {
  const metaspace = preTokenizers.find((step) => step.type === "metaspace");
  const replace = normalizers.find((step) => step.type === "replace" && step.pattern === " ");
  const marker =
    metaspace?.type === "metaspace"
      ? metaspace.replacement
      : replace?.type === "replace"
        ? replace.content
        : undefined;
  if (marker?.length !== 1) return undefined;
  const unsafe = new Set<string>();
  for (const token of vocabulary) {
    for (
      let index = token.indexOf(marker, 1);
      index !== -1;
      index = token.indexOf(marker, index + 1)
    ) {
      const before = token[index - 1]!;
      if (before !== marker) unsafe.add(before);
    }
  }
  if (unsafe.size > 64) return undefined;
  return { marker, unsafeBefore: [...unsafe].join("") };
}
