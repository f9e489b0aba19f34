/**
 * The fast tokenizer engine: runs {@link CompiledTokenizerData} exactly as
 * `tokenizers` runs the same `tokenizer.json`, with three things that make
 * it fast: pre-tokenization straight off a RegExp `exec` loop, a bounded
 * cache of pre-token → ids (text repeats words), and merges on integer ids in
 * a typed-array hash table.
 */

import { MergeTable } from "./bpe-merges.ts";
import { BYTE_TO_CHARACTER, byteLevelToBytes } from "./byte-level.ts";
import type {
  CompiledAddedToken,
  CompiledTokenizerData,
  CompiledTokenizerSpec,
  DecoderStep,
  PreTokenizerStep,
} from "./compile-tokenizer.ts";

/** Options of {@link CompiledTokenizer.encode}. */
export interface EngineEncodeOptions {
  /** Add the tokenizer's special tokens around the text (BOS, …). Default false. */
  addSpecialTokens?: boolean;
  /** Recognise special tokens written in the text (`<|im_start|>`). Default false: they count as text. */
  allowSpecial?: boolean;
}

/** Options of {@link CompiledTokenizer.decode}. */
export interface EngineDecodeOptions {
  /** Leave special tokens out of the text. Default false. */
  skipSpecialTokens?: boolean;
  /** Apply `clean_up_tokenization_spaces` (" ." → "."). Default false, so decode inverts encode. */
  cleanUpTokenizationSpaces?: boolean;
}

const CACHE_LIMIT = 32_768;
const MAX_CACHED_PIECE = 8192;
const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

type PieceSink = (piece: string) => void;

interface TrieNode {
  children: Map<number, TrieNode>;
  token?: CompiledAddedToken;
}

/** A loaded tokenizer on the fast engine. */
export class CompiledTokenizer {
  readonly spec: CompiledTokenizerSpec;
  readonly vocabulary: readonly string[];
  readonly #merges: MergeTable;
  readonly #byteIds = new Int32Array(256);
  readonly #byteFallbackIds = new Int32Array(256).fill(-1);
  readonly #characterIds = new Map<number, number>();
  #vocabularyIndex: Map<string, number> | undefined;
  readonly #splitRegexes: Array<RegExp | undefined>;
  #cache = new Map<string, number[]>();
  #previousCache = new Map<string, number[]>();
  readonly #plainTrie: TrieNode;
  readonly #specialTrie: TrieNode;
  readonly #plainFirst: Uint8Array;
  readonly #specialFirst: Uint8Array;
  readonly #specialIds: Set<number>;
  readonly #addedIds: Set<number>;
  readonly #boundaryUnsafe: Set<number>;
  readonly #simpleRegex: RegExp | undefined;
  readonly #simpleKeepGaps: boolean;

  constructor(data: CompiledTokenizerData) {
    this.spec = data.spec;
    this.vocabulary = data.vocabulary;
    this.#merges = new MergeTable(data.merges);
    const spec = data.spec;
    if (spec.byteLevel) {
      // Only the 256 one-character tokens are needed here; the full index is built on first need.
      const characterToByte = new Map(
        BYTE_TO_CHARACTER.map((character, byte) => [character, byte]),
      );
      this.#byteIds.fill(-1);
      const vocabulary = data.vocabulary;
      for (let id = 0; id < vocabulary.length; id++) {
        const token = vocabulary[id]!;
        if (token.length !== 1) continue;
        const byte = characterToByte.get(token);
        if (byte !== undefined && this.#byteIds[byte] === -1) this.#byteIds[byte] = id;
      }
    } else {
      const vocabulary = data.vocabulary;
      for (let id = 0; id < vocabulary.length; id++) {
        const token = vocabulary[id]!;
        if (token.length === 0 || token.length > 2) {
          if (token.length === 6 && token.startsWith("<0x") && token.endsWith(">")) {
            const byte = Number.parseInt(token.slice(3, 5), 16);
            if (!Number.isNaN(byte) && this.#byteFallbackIds[byte] === -1)
              this.#byteFallbackIds[byte] = id;
          }
          continue;
        }
        const code = token.codePointAt(0)!;
        if (String.fromCodePoint(code).length === token.length && !this.#characterIds.has(code)) {
          this.#characterIds.set(code, id);
        }
      }
    }
    this.#splitRegexes = spec.preTokenizers.map((step) =>
      step.type === "split" && step.regex !== undefined ? new RegExp(step.regex, "gu") : undefined,
    );
    const plain = spec.addedTokens.filter((token) => !token.special);
    this.#plainTrie = buildTrie(plain);
    this.#specialTrie = buildTrie(spec.addedTokens);
    this.#plainFirst = firstCharacters(plain);
    this.#specialFirst = firstCharacters(spec.addedTokens);
    this.#specialIds = new Set(
      spec.addedTokens.filter((token) => token.special).map((token) => token.id),
    );
    this.#addedIds = new Set(spec.addedTokens.map((token) => token.id));
    this.#boundaryUnsafe = new Set(
      [...(spec.wordBoundary?.unsafeBefore ?? "")].map((character) => character.charCodeAt(0)),
    );
    const only = spec.preTokenizers.length === 1 ? spec.preTokenizers[0]! : undefined;
    if (
      only?.type === "split" &&
      only.regex !== undefined &&
      !spec.wordBoundary &&
      ((only.behavior === "isolated" && !only.invert) ||
        (only.behavior === "removed" && only.invert))
    ) {
      this.#simpleRegex = this.#splitRegexes[0];
      this.#simpleKeepGaps = !only.invert;
    } else {
      this.#simpleKeepGaps = false;
    }
  }

  /** Number of ids (vocabulary plus added tokens). */
  get vocabularySize(): number {
    return this.vocabulary.length;
  }

  /** Token ids of `text`. */
  encode(text: string, options: EngineEncodeOptions = {}): number[] {
    const ids: number[] = [];
    if (options.addSpecialTokens) ids.push(...this.spec.prefixIds);
    this.#walk(
      text,
      options.allowSpecial === true,
      (piece) => {
        const pieceIds = this.#encodePiece(piece);
        for (let index = 0; index < pieceIds.length; index++) ids.push(pieceIds[index]!);
      },
      (id) => ids.push(id),
    );
    if (options.addSpecialTokens) ids.push(...this.spec.suffixIds);
    return ids;
  }

  /** Number of tokens of `text` (same as `encode(text, options).length`, without building the array). */
  count(text: string, options: EngineEncodeOptions = {}): number {
    let count = options.addSpecialTokens
      ? this.spec.prefixIds.length + this.spec.suffixIds.length
      : 0;
    const simple = this.#simpleRegex;
    if (simple !== undefined && this.spec.normalizers.length === 0) {
      const trie = options.allowSpecial === true ? this.#specialTrie : this.#plainTrie;
      if (trie.children.size === 0) return count + this.#countSimple(text, simple);
    }
    this.#walk(
      text,
      options.allowSpecial === true,
      (piece) => {
        count += this.#encodePiece(piece).length;
      },
      () => {
        count++;
      },
    );
    return count;
  }

  /** The token strings of `text`, as the vocabulary spells them. */
  tokenize(text: string, options: EngineEncodeOptions = {}): string[] {
    return this.encode(text, options).map((id) => this.vocabulary[id] ?? "");
  }

  /** Drop the pre-token cache (it is bounded anyway; this frees its memory now). */
  clearCache(): void {
    this.#cache = new Map();
    this.#previousCache = new Map();
  }

  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.#index().get(token);
  }

  /** Text of `ids`. */
  decode(ids: readonly number[], options: EngineDecodeOptions = {}): string {
    const byteLevel = this.spec.decoders.some((step) => step.type === "byteLevel");
    let text = "";
    let run: string[] = [];
    let first = true;
    const flush = () => {
      if (run.length === 0) return;
      text += this.#decodeChain(run, first);
      first = false;
      run = [];
    };
    for (const id of ids) {
      if (options.skipSpecialTokens && this.#specialIds.has(id)) continue;
      const token = this.vocabulary[id] ?? "";
      // A byte-level decoder passes added tokens through verbatim (they are not byte strings).
      if (byteLevel && this.#addedIds.has(id)) {
        flush();
        text += token;
        first = false;
      } else run.push(token);
    }
    flush();
    return options.cleanUpTokenizationSpaces ? cleanUpTokenizationSpaces(text) : text;
  }

  /** Count over one regex split with no normaliser and no added tokens: the hot path, kept flat. */
  #countSimple(text: string, regex: RegExp): number {
    let count = 0;
    let last = 0;
    const keepGaps = this.#simpleKeepGaps;
    regex.lastIndex = 0;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) break;
      const piece = match[0];
      if (piece.length === 0) {
        regex.lastIndex++;
        continue;
      }
      if (keepGaps && match.index > last)
        count += this.#encodePiece(text.slice(last, match.index)).length;
      const cached = this.#cache.get(piece);
      count += cached === undefined ? this.#encodePiece(piece).length : cached.length;
      last = match.index + piece.length;
    }
    if (keepGaps && last < text.length) count += this.#encodePiece(text.slice(last)).length;
    return count;
  }

  #decodeChain(tokens: string[], first: boolean): string {
    let current = tokens;
    for (const step of this.spec.decoders) current = applyDecoder(step, current, first);
    return current.join("");
  }

  #index(): Map<string, number> {
    if (this.#vocabularyIndex === undefined) {
      const index = new Map<string, number>();
      const vocabulary = this.vocabulary;
      for (let id = 0; id < vocabulary.length; id++) {
        const token = vocabulary[id]!;
        if (token.length > 0 && !index.has(token)) index.set(token, id);
      }
      this.#vocabularyIndex = index;
    }
    return this.#vocabularyIndex;
  }

  /** Split off added tokens, normalise, pre-tokenize; calls `onPiece` per pre-token and `onAdded` per added token. */
  #walk(
    text: string,
    allowSpecial: boolean,
    onPiece: PieceSink,
    onAdded: (id: number) => void,
  ): void {
    const trie = allowSpecial ? this.#specialTrie : this.#plainTrie;
    const first = allowSpecial ? this.#specialFirst : this.#plainFirst;
    if (trie.children.size === 0) {
      this.#section(text, onPiece);
      return;
    }
    let start = 0;
    const length = text.length;
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index);
      if (first[code >> 3]! & (1 << (code & 7))) {
        let node: TrieNode | undefined = trie;
        let match: CompiledAddedToken | undefined;
        let end = index;
        for (let cursor = index; cursor < length; cursor++) {
          node = node.children.get(text.charCodeAt(cursor));
          if (node === undefined) break;
          if (node.token) {
            match = node.token;
            end = cursor + 1;
          }
        }
        if (match) {
          if (index > start) this.#section(text.slice(start, index), onPiece);
          onAdded(match.id);
          start = end;
          index = end - 1;
        }
      }
    }
    if (start < length) this.#section(start === 0 ? text : text.slice(start), onPiece);
  }

  #section(text: string, onPiece: PieceSink): void {
    let normalized = text;
    for (const step of this.spec.normalizers) {
      switch (step.type) {
        case "unicode":
          normalized = normalized.normalize(step.form);
          break;
        case "lowercase":
          normalized = normalized.toLowerCase();
          break;
        case "replace":
          normalized = normalized.replaceAll(step.pattern, step.content);
          break;
        case "prepend":
          if (normalized.length > 0) normalized = step.prepend + normalized;
          break;
      }
    }
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    if (simple !== undefined) {
      // Fast path: one regex split (OpenAI, Llama 3, Qwen, Claude).
      simple.lastIndex = 0;
      let last = 0;
      let match: RegExpExecArray | null;
      for (;;) {
        match = simple.exec(normalized);
        if (match === null) break;
        const piece = match[0];
        if (piece.length === 0) {
          simple.lastIndex++;
          continue;
        }
        if (this.#simpleKeepGaps && match.index > last)
          onPiece(normalized.slice(last, match.index));
        onPiece(piece);
        last = match.index + piece.length;
      }
      if (this.#simpleKeepGaps && last < normalized.length) onPiece(normalized.slice(last));
      return;
    }
    this.#preTokenize(normalized, 0, true, onPiece);
  }

  #preTokenize(text: string, stepIndex: number, firstSection: boolean, onPiece: PieceSink): void {
    const steps = this.spec.preTokenizers;
    if (stepIndex === steps.length) {
      if (this.spec.wordBoundary) this.#splitWords(text, onPiece);
      else onPiece(text);
      return;
    }
    const step = steps[stepIndex]!;
    const next = (piece: string, isFirst: boolean) =>
      this.#preTokenize(piece, stepIndex + 1, isFirst, onPiece);
    if (step.type === "metaspace") {
      metaspace(step, text, firstSection, next);
      return;
    }
    const regex = this.#splitRegexes[stepIndex];
    if (regex !== undefined && !step.invert && step.behavior === "isolated") {
      // Streaming form of the common case (matches and the gaps between them, in order).
      regex.lastIndex = 0;
      let last = 0;
      let first = firstSection;
      for (;;) {
        const match = regex.exec(text);
        if (match === null) break;
        const piece = match[0];
        if (piece.length === 0) {
          regex.lastIndex++;
          continue;
        }
        const end = match.index + piece.length;
        if (match.index > last) {
          next(text.slice(last, match.index), first);
          first = false;
        }
        next(piece, first);
        first = false;
        last = end;
        // Nested steps reuse their own regexes, but this one must resume where it was.
        regex.lastIndex = end;
      }
      if (last < text.length) next(last === 0 ? text : text.slice(last), first);
      return;
    }
    splitPieces(text, step, regex, firstSection, next);
  }

  #splitWords(text: string, onPiece: PieceSink): void {
    const marker = this.spec.wordBoundary!.marker.charCodeAt(0);
    let start = 0;
    for (let index = 1; index < text.length; index++) {
      if (text.charCodeAt(index) !== marker) continue;
      const before = text.charCodeAt(index - 1);
      if (before === marker || this.#boundaryUnsafe.has(before)) continue;
      onPiece(text.slice(start, index));
      start = index;
    }
    onPiece(start === 0 ? text : text.slice(start));
  }

  #encodePiece(piece: string): number[] {
    let ids = this.#cache.get(piece);
    if (ids !== undefined) return ids;
    ids = this.#previousCache.get(piece);
    if (ids === undefined)
      ids = this.spec.byteLevel ? this.#encodeBytes(piece) : this.#encodeCharacters(piece);
    // Long pieces (a pasted blob) rarely repeat: not worth their memory in the cache.
    if (piece.length > MAX_CACHED_PIECE) return ids;
    if (this.#cache.size >= CACHE_LIMIT) {
      this.#previousCache = this.#cache;
      this.#cache = new Map();
    }
    this.#cache.set(piece, ids);
    return ids;
  }

  #encodeBytes(piece: string): number[] {
    const symbols: number[] = [];
    let ascii = true;
    for (let index = 0; index < piece.length; index++) {
      const code = piece.charCodeAt(index);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      symbols.push(this.#byteIds[code]!);
    }
    if (!ascii) {
      symbols.length = 0;
      for (const byte of encoder.encode(piece)) symbols.push(this.#byteIds[byte]!);
    }
    if (symbols.length === 1) return symbols;
    if (this.spec.ignoreMerges) {
      let mapped = "";
      for (const id of symbols) mapped += this.vocabulary[id];
      const whole = this.#index().get(mapped);
      if (whole !== undefined) return [whole];
    }
    return this.#merges.merge(symbols);
  }

  #encodeCharacters(piece: string): number[] {
    if (this.spec.ignoreMerges) {
      const whole = this.#index().get(piece);
      if (whole !== undefined) return [whole];
    }
    const symbols: number[] = [];
    let lastWasUnknown = false;
    for (const character of piece) {
      const id = this.#characterIds.get(character.codePointAt(0)!);
      if (id !== undefined) {
        symbols.push(id);
        lastWasUnknown = false;
        continue;
      }
      if (this.spec.byteFallback) {
        const bytes = encoder.encode(character);
        const fallback = Array.from(bytes, (byte) => this.#byteFallbackIds[byte]!);
        if (fallback.every((value) => value !== -1)) {
          symbols.push(...fallback);
          lastWasUnknown = false;
          continue;
        }
      }
      const unknown = this.spec.unknownId;
      if (unknown === -1) {
        throw new Error(
          `The tokenizer has no token for ${JSON.stringify(character)} and no unknown token`,
        );
      }
      if (!(this.spec.fuseUnknown && lastWasUnknown)) symbols.push(unknown);
      lastWasUnknown = true;
    }
    return this.#merges.merge(symbols);
  }
}

function buildTrie(tokens: readonly CompiledAddedToken[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const token of tokens) {
    if (token.content.length === 0) continue;
    let node = root;
    for (let index = 0; index < token.content.length; index++) {
      const code = token.content.charCodeAt(index);
      let child = node.children.get(code);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(code, child);
      }
      node = child;
    }
    node.token ??= token;
  }
  return root;
}

function firstCharacters(tokens: readonly CompiledAddedToken[]): Uint8Array {
  const bits = new Uint8Array(65536 / 8);
  for (const token of tokens) {
    if (token.content.length === 0) continue;
    const code = token.content.charCodeAt(0);
    bits[code >> 3]! |= 1 << (code & 7);
  }
  return bits;
}

type PieceWithFirst = (piece: string, isFirst: boolean) => void;

/** The `tokenizers` Split pre-tokenizer, with its delimiter behaviours. */
function splitPieces(
  text: string,
  step: Extract<PreTokenizerStep, { type: "split" }>,
  regex: RegExp | undefined,
  firstSection: boolean,
  emit: PieceWithFirst,
): void {
  // Matches as [start, end) pairs; with `invert`, the gaps are the delimiters.
  const matches: number[] = [];
  if (regex !== undefined) {
    regex.lastIndex = 0;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) break;
      if (match[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      matches.push(match.index, match.index + match[0].length);
    }
  } else if (step.string) {
    for (
      let index = text.indexOf(step.string);
      index !== -1;
      index = text.indexOf(step.string, index + step.string.length)
    ) {
      matches.push(index, index + step.string.length);
    }
  }
  // Segments: [start, end, isDelimiter].
  const segments: Array<[number, number, boolean]> = [];
  let last = 0;
  for (let index = 0; index < matches.length; index += 2) {
    const start = matches[index]!;
    const end = matches[index + 1]!;
    if (start > last) segments.push([last, start, step.invert]);
    segments.push([start, end, !step.invert]);
    last = end;
  }
  if (last < text.length) segments.push([last, text.length, step.invert]);
  const pieces: string[] = [];
  let pending = "";
  for (let index = 0; index < segments.length; index++) {
    const [start, end, isDelimiter] = segments[index]!;
    const value = text.slice(start, end);
    if (!isDelimiter) {
      if (pending) {
        pieces.push(pending + value);
        pending = "";
      } else pieces.push(value);
      continue;
    }
    switch (step.behavior) {
      case "removed":
        break;
      case "isolated":
        pieces.push(value);
        break;
      case "contiguous": {
        const previous = segments[index - 1];
        if (previous?.[2] && pieces.length > 0 && previous[1] === start)
          pieces[pieces.length - 1] += value;
        else pieces.push(value);
        break;
      }
      case "mergedwithprevious": {
        const previous = segments[index - 1];
        if (previous && !previous[2] && pieces.length > 0) pieces[pieces.length - 1] += value;
        else pieces.push(value);
        break;
      }
      case "mergedwithnext":
        pending += value;
        break;
    }
  }
  if (pending) pieces.push(pending);
  for (let index = 0; index < pieces.length; index++) {
    if (pieces[index]!.length > 0) emit(pieces[index]!, firstSection && index === 0);
  }
}

/** The `tokenizers` Metaspace pre-tokenizer. */
function metaspace(
  step: Extract<PreTokenizerStep, { type: "metaspace" }>,
  text: string,
  firstSection: boolean,
  emit: PieceWithFirst,
): void {
  let replaced = text.replaceAll(" ", step.replacement);
  const prepend =
    step.prependScheme === "always" || (step.prependScheme === "first" && firstSection);
  if (prepend && !replaced.startsWith(step.replacement)) replaced = step.replacement + replaced;
  if (!step.split) {
    emit(replaced, firstSection);
    return;
  }
  let start = 0;
  for (let index = 1; index < replaced.length; index++) {
    if (replaced[index] === step.replacement) {
      emit(replaced.slice(start, index), firstSection && start === 0);
      start = index;
    }
  }
  emit(replaced.slice(start), firstSection && start === 0);
}

function applyDecoder(step: DecoderStep, tokens: string[], first: boolean): string[] {
  switch (step.type) {
    case "byteLevel": {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (const token of tokens) {
        const bytes = byteLevelToBytes(token) ?? encoder.encode(token);
        parts.push(bytes);
        total += bytes.length;
      }
      const joined = new Uint8Array(total);
      let offset = 0;
      for (const part of parts) {
        joined.set(part, offset);
        offset += part.length;
      }
      return [utf8.decode(joined)];
    }
    case "replace":
      return tokens.map((token) => token.replaceAll(step.pattern, step.content));
    case "fuse":
      return [tokens.join("")];
    case "strip":
      return tokens.map((token) => {
        let start = 0;
        while (start < step.start && token.startsWith(step.content, start))
          start += step.content.length;
        let end = token.length;
        let stripped = 0;
        while (
          stripped < step.stop &&
          end - step.content.length >= start &&
          token.endsWith(step.content, end)
        ) {
          end -= step.content.length;
          stripped++;
        }
        return token.slice(start, end);
      });
    case "byteFallback": {
      const out: string[] = [];
      let pending: number[] = [];
      const flush = () => {
        if (pending.length === 0) return;
        try {
          out.push(strictUtf8.decode(Uint8Array.from(pending)));
        } catch {
          // `tokenizers` emits one U+FFFD per byte when the bytes are not valid UTF-8.
          for (let index = 0; index < pending.length; index++) out.push("\uFFFD");
        }
        pending = [];
      };
      for (const token of tokens) {
        if (token.length === 6 && token.startsWith("<0x") && token.endsWith(">")) {
          const byte = Number.parseInt(token.slice(3, 5), 16);
          if (!Number.isNaN(byte)) {
            pending.push(byte);
            continue;
          }
        }
        flush();
        out.push(token);
      }
      flush();
      return out;
    }
    case "metaspace":
      return tokens.map((token, index) => {
        let value = token.replaceAll(step.replacement, " ");
        if (index === 0 && first && step.prependScheme !== "never" && value.startsWith(" "))
          value = value.slice(1);
        return value;
      });
  }
}

/** The `clean_up_tokenization` of `transformers`. */
export function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
