/**
 * The fast tokenizer engine: runs {@link CompiledTokenizerData} exactly as
 * `tokenizers` runs the same `tokenizer.json`, with three things that make
 * it fast: pre-tokenization straight off a RegExp `exec` loop, a bounded
 * cache of pre-token → ids (text repeats words), and merges on integer ids in
 * a typed-array hash table.
 *
 * Counting also runs in slices ({@link CompiledTokenizer.countInSlices}):
 * every scan (added tokens, normalisers, pre-tokenizer splits, merges of a
 * long word) pauses after a slice of work and resumes where it stopped, on
 * the same string, so a long text never blocks the event loop for long and
 * the count equals the count in one go.
 */

import { buildTrie, firstCharacters, type TrieNode } from "./added-token-trie.ts";
import { MergeTable } from "./bpe-merges.ts";
import { BYTE_TO_CHARACTER } from "./byte-level.ts";
import type {
  CompiledAddedToken,
  CompiledTokenizerData,
  CompiledTokenizerSpec,
  PreTokenizerStep,
} from "./compile-tokenizer.ts";
import { applyDecoder, cleanUpTokenizationSpaces } from "./compiled-decoders.ts";
import {
  isNormalizationBoundary,
  type NormalizationFacts,
  normalizationFacts,
} from "./normalization-boundary.ts";
import { metaspace, splitPieces } from "./pre-tokenizer-splits.ts";
import { type SlicedWork, type SliceMeter, sliceMeter, spend } from "./slice-meter.ts";

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

type PieceSink = (piece: string) => void;

/** Where the sliced walk delivers its output. */
interface WalkSink {
  /** A pre-token short enough to encode at once. */
  piece: PieceSink;
  /** The ids of a long pre-token, encoded in slices. */
  ids(ids: ArrayLike<number>): void;
  /** An added token found in the text. */
  added(id: number): void;
}

/** Where a resumable scan stands (see `CompiledTokenizer.#countSimple`). */
interface Scan {
  /** Where the scan goes on. */
  position: number;
  /** End of the last piece handed on (or start of the current section). */
  last: number;
  /** Whether the next piece is the first of its section. */
  first: boolean;
  /** Tokens counted so far (the counting scan). */
  count: number;
  /** A piece longer than a slice, for the caller to process in slices. */
  long: string | undefined;
  /** Whether `long` is the first piece of its section. */
  longFirst: boolean;
}

function newScan(): Scan {
  return { position: 0, last: 0, first: true, count: 0, long: undefined, longFirst: false };
}

/** A meter that never fills: the scans run to their end in one go (shared; its `used` is never read). */
const UNBOUNDED: SliceMeter = sliceMeter(Number.POSITIVE_INFINITY);

/** Characters of the added-token scan charged as one unit of work (the scan is a bit test per character). */
const TRIE_SCAN_CHARACTERS_PER_UNIT = 8;
/** Characters the added-token scan covers between two looks at the meter. */
const ADDED_TOKEN_SCAN_BLOCK = 4096;
/** Longest run of text normalised at once when a long section is normalised in slices. */
const MAX_NORMALIZE_CHUNK = 65_536;

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
  /** Length of the longest vocabulary token (computed on first need). */
  #longestToken = -1;
  /** Normaliser facts that decide where a long section may be normalised in pieces. */
  readonly #normalization: NormalizationFacts;

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
    this.#normalization = normalizationFacts(spec.normalizers);
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
      if (trie.children.size === 0) {
        const scan = newScan();
        this.#countSimple(text, simple, scan, UNBOUNDED);
        return count + scan.count;
      }
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

  /**
   * {@link count} in slices of about `meter.size` units of work (characters
   * scanned, merges applied): a generator that yields between slices and
   * returns the count (drive it with `runSlices` to give the event loop back
   * between slices). Every scan pauses in place and resumes on the same
   * string, so the result equals `count(text, options)` for any slice size.
   */
  *countInSlices(
    text: string,
    options: EngineEncodeOptions = {},
    meter: SliceMeter = sliceMeter(),
  ): SlicedWork<number> {
    let count = options.addSpecialTokens
      ? this.spec.prefixIds.length + this.spec.suffixIds.length
      : 0;
    const allowSpecial = options.allowSpecial === true;
    const simple = this.#simpleRegex;
    const trie = allowSpecial ? this.#specialTrie : this.#plainTrie;
    if (simple !== undefined && this.spec.normalizers.length === 0 && trie.children.size === 0) {
      const scan = newScan();
      while (!this.#countSimple(text, simple, scan, meter)) {
        const long = scan.long;
        if (long === undefined) yield;
        else {
          scan.long = undefined;
          scan.count += (yield* this.#encodeLongPiece(long, meter)).length;
          if (spend(meter, 0)) yield;
        }
      }
      return count + scan.count;
    }
    const sink: WalkSink = {
      piece: (piece) => {
        count += this.#encodePiece(piece).length;
      },
      ids: (ids) => {
        count += ids.length;
      },
      added: () => {
        count++;
      },
    };
    if (trie.children.size === 0) {
      yield* this.#sectionInSlices(text, meter, sink);
      return count;
    }
    const first = allowSpecial ? this.#specialFirst : this.#plainFirst;
    const scan = newScan();
    const onSection = (section: string) => this.#section(section, sink.piece);
    while (!this.#scanAddedTokens(text, trie, first, scan, meter, onSection, sink.added)) {
      const long = scan.long;
      if (long === undefined) yield;
      else {
        scan.long = undefined;
        yield* this.#sectionInSlices(long, meter, sink);
        if (spend(meter, 0)) yield;
      }
    }
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

  /**
   * Count over one regex split with no normaliser and no added tokens: the
   * hot path, kept flat. Resumable: it pauses (returns false) when the slice
   * is full or at a pre-token longer than a slice (`scan.long`, for the
   * caller to encode in slices), and goes on from `scan` when called again.
   * The regex is shared with other calls, so its position lives in `scan`.
   */
  #countSimple(text: string, regex: RegExp, scan: Scan, meter: SliceMeter): boolean {
    const keepGaps = this.#simpleKeepGaps;
    const limit = meter.size;
    let { count, last } = scan;
    let used = meter.used;
    let done = false;
    regex.lastIndex = scan.position;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) {
        done = true;
        break;
      }
      const piece = match[0];
      if (piece.length === 0) {
        regex.lastIndex++;
        continue;
      }
      const start = match.index;
      if (keepGaps && start > last) {
        const gap = text.slice(last, start);
        if (gap.length > limit) {
          // Encode the gap in slices first; the match is found again from here.
          scan.long = gap;
          scan.position = start;
          last = start;
          break;
        }
        count += this.#encodePiece(gap).length;
      }
      const end = start + piece.length;
      used += end - last;
      last = end;
      if (piece.length > limit) {
        scan.long = piece;
        scan.position = end;
        break;
      }
      const cached = this.#cache.get(piece);
      count += cached === undefined ? this.#encodePiece(piece).length : cached.length;
      if (used >= limit) {
        used = 0;
        scan.position = end;
        break;
      }
    }
    if (done && keepGaps && last < text.length) {
      const rest = text.slice(last);
      last = text.length;
      scan.position = text.length;
      if (rest.length > limit) {
        scan.long = rest;
        done = false;
      } else count += this.#encodePiece(rest).length;
    }
    scan.count = count;
    scan.last = last;
    meter.used = used;
    return done;
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
    if (trie.children.size === 0) {
      this.#section(text, onPiece);
      return;
    }
    const first = allowSpecial ? this.#specialFirst : this.#plainFirst;
    this.#scanAddedTokens(
      text,
      trie,
      first,
      undefined,
      UNBOUNDED,
      (section) => this.#section(section, onPiece),
      onAdded,
    );
  }

  /**
   * Find the added tokens of `text` (leftmost-longest, as `tokenizers`):
   * sections between them go to `onSection`, the tokens to `onAdded`.
   * Resumable like {@link CompiledTokenizer.#countSimple}: a section longer
   * than a slice is left in `scan.long` for the caller.
   */
  #scanAddedTokens(
    text: string,
    trie: TrieNode,
    first: Uint8Array,
    scan: Scan | undefined,
    meter: SliceMeter,
    onSection: (section: string) => void,
    onAdded: (id: number) => void,
  ): boolean {
    const length = text.length;
    const limit = meter.size;
    let start = scan === undefined ? 0 : scan.last;
    let used = meter.used;
    let index = scan === undefined ? 0 : scan.position;
    while (index < length) {
      // Blocks of the text: the scan is work too, so a long stretch without added tokens pauses between blocks.
      const blockEnd = Math.min(length, index + ADDED_TOKEN_SCAN_BLOCK);
      for (; index < blockEnd; index++) {
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
            if (index > start) {
              const section = text.slice(start, index);
              if (section.length > limit) {
                // The section first, in slices; the token is found again from here.
                scan!.long = section;
                scan!.position = index;
                scan!.last = index;
                meter.used = used;
                return false;
              }
              onSection(section);
              used += section.length;
            }
            onAdded(match.id);
            used += end - index;
            start = end;
            index = end - 1;
            if (used >= limit) {
              scan!.position = end;
              scan!.last = end;
              meter.used = 0;
              return false;
            }
          }
        }
      }
      used += ADDED_TOKEN_SCAN_BLOCK / TRIE_SCAN_CHARACTERS_PER_UNIT;
      if (used >= limit && index < length) {
        scan!.position = index;
        scan!.last = start;
        meter.used = 0;
        return false;
      }
    }
    if (scan !== undefined) {
      scan.position = length;
      scan.last = length;
      meter.used = used;
    }
    if (start >= length) return true;
    const rest = start === 0 ? text : text.slice(start);
    if (rest.length > limit) {
      scan!.long = rest;
      return false;
    }
    onSection(rest);
    if (spend(meter, rest.length)) return false;
    return true;
  }

  /** One section between added tokens: at once when short, else scan by scan in slices. */
  *#sectionInSlices(text: string, meter: SliceMeter, sink: WalkSink): SlicedWork<void> {
    if (text.length <= meter.size) {
      this.#section(text, sink.piece);
      if (spend(meter, text.length)) yield;
      return;
    }
    const normalized =
      this.spec.normalizers.length === 0 ? text : yield* this.#normalizeInSlices(text, meter);
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    if (simple === undefined) {
      yield* this.#preTokenizeInSlices(normalized, 0, true, meter, sink);
      return;
    }
    // One regex split, nothing after it: its pieces are the pre-tokens.
    const scan = newScan();
    while (
      !this.#scanSplit(normalized, simple, this.#simpleKeepGaps, true, scan, meter, sink.piece)
    ) {
      const long = scan.long;
      if (long === undefined) yield;
      else {
        scan.long = undefined;
        sink.ids(yield* this.#encodeLongPiece(long, meter));
        if (spend(meter, 0)) yield;
      }
    }
  }

  /**
   * A long section's normalisers, in pieces split where no normaliser can
   * see across the split (see `isNormalizationBoundary`),
   * so the pieces normalised one by one join to the section normalised whole.
   */
  *#normalizeInSlices(text: string, meter: SliceMeter): SlicedWork<string> {
    const parts: string[] = [];
    const prepended: boolean[] = [];
    const chunk = Math.max(1, Math.min(meter.size, MAX_NORMALIZE_CHUNK));
    let start = 0;
    while (start < text.length) {
      let end = Math.min(text.length, start + chunk);
      while (end < text.length && !isNormalizationBoundary(text, end, this.#normalization)) end++;
      parts.push(
        this.#normalize(
          start === 0 && end === text.length ? text : text.slice(start, end),
          prepended,
        ),
      );
      const units = end - start;
      start = end;
      if (spend(meter, units)) yield;
    }
    return parts.length === 1 ? parts[0]! : parts.join("");
  }

  /**
   * Run the normalisers on `text`. `prepended` (for pieces of one section
   * normalised apart) records which `Prepend` steps already saw text, so
   * only the section's start gets the prefix.
   */
  #normalize(text: string, prepended?: boolean[]): string {
    let normalized = text;
    const steps = this.spec.normalizers;
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index]!;
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
          if (normalized.length > 0) {
            if (prepended?.[index] !== true) normalized = step.prepend + normalized;
            if (prepended) prepended[index] = true;
          }
          break;
      }
    }
    return normalized;
  }

  #section(text: string, onPiece: PieceSink): void {
    const normalized = this.spec.normalizers.length === 0 ? text : this.#normalize(text);
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    // Fast path: one regex split (OpenAI, Llama 3, Qwen, Claude).
    if (simple !== undefined)
      this.#scanSplit(
        normalized,
        simple,
        this.#simpleKeepGaps,
        true,
        undefined,
        UNBOUNDED,
        onPiece,
      );
    else this.#preTokenize(normalized, 0, true, onPiece);
  }

  #preTokenize(text: string, stepIndex: number, firstSection: boolean, onPiece: PieceSink): void {
    const steps = this.spec.preTokenizers;
    if (stepIndex === steps.length) {
      if (this.spec.wordBoundary) this.#scanWords(text, undefined, UNBOUNDED, onPiece);
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
      this.#scanSplit(text, regex, true, firstSection, undefined, UNBOUNDED, next);
      return;
    }
    splitPieces(text, step, regex, firstSection, next);
  }

  /** {@link CompiledTokenizer.#preTokenize} for a text longer than a slice, in slices. */
  *#preTokenizeInSlices(
    text: string,
    stepIndex: number,
    firstSection: boolean,
    meter: SliceMeter,
    sink: WalkSink,
  ): SlicedWork<void> {
    const steps = this.spec.preTokenizers;
    const scan = newScan();
    if (stepIndex === steps.length) {
      if (!this.spec.wordBoundary) {
        sink.ids(yield* this.#encodeLongPiece(text, meter));
        return;
      }
      while (!this.#scanWords(text, scan, meter, sink.piece)) {
        const long = scan.long;
        if (long === undefined) yield;
        else {
          scan.long = undefined;
          sink.ids(yield* this.#encodeLongPiece(long, meter));
          if (spend(meter, 0)) yield;
        }
      }
      return;
    }
    const step = steps[stepIndex]!;
    const nextStep = stepIndex + 1;
    const next = (piece: string, isFirst: boolean) =>
      this.#preTokenize(piece, nextStep, isFirst, sink.piece);
    let pieces: (piece: string, isFirst: boolean) => void;
    let scanner: () => boolean;
    if (step.type === "metaspace") {
      const replaced = yield* this.#metaspaceReplaceInSlices(step, text, firstSection, meter);
      if (!step.split) {
        yield* this.#preTokenizeInSlices(replaced, nextStep, firstSection, meter, sink);
        return;
      }
      scan.first = firstSection;
      pieces = next;
      scanner = () => this.#scanMetaspace(replaced, step.replacement, scan, meter, pieces);
    } else {
      const regex = this.#splitRegexes[stepIndex];
      if (regex !== undefined && !step.invert && step.behavior === "isolated") {
        scan.first = firstSection;
        pieces = next;
        scanner = () => this.#scanSplit(text, regex, true, firstSection, scan, meter, pieces);
      } else {
        // The other split behaviours join neighbours: one pass finds the pieces, then they go on in slices.
        const found: Array<[string, boolean]> = [];
        splitPieces(text, step, regex, firstSection, (piece, isFirst) =>
          found.push([piece, isFirst]),
        );
        for (const [piece, isFirst] of found) {
          if (piece.length > meter.size)
            yield* this.#preTokenizeInSlices(piece, nextStep, isFirst, meter, sink);
          else next(piece, isFirst);
          if (spend(meter, piece.length)) yield;
        }
        return;
      }
    }
    while (!scanner()) {
      const long = scan.long;
      if (long === undefined) yield;
      else {
        scan.long = undefined;
        yield* this.#preTokenizeInSlices(long, nextStep, scan.longFirst, meter, sink);
        if (spend(meter, 0)) yield;
      }
    }
  }

  /**
   * One regex split: the matches, and the gaps between them when
   * `keepGaps`, go to `emit` in order (with "is this the first piece").
   * Resumable like {@link CompiledTokenizer.#countSimple}; a piece longer
   * than a slice is left in `scan.long` (and `scan.longFirst`).
   */
  #scanSplit(
    text: string,
    regex: RegExp,
    keepGaps: boolean,
    firstSection: boolean,
    scan: Scan | undefined,
    meter: SliceMeter,
    emit: (piece: string, isFirst: boolean) => void,
  ): boolean {
    const limit = meter.size;
    let last = scan === undefined ? 0 : scan.last;
    let first = scan === undefined ? firstSection : scan.first;
    let used = meter.used;
    let done = false;
    regex.lastIndex = scan === undefined ? 0 : scan.position;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) {
        done = true;
        break;
      }
      const piece = match[0];
      if (piece.length === 0) {
        regex.lastIndex++;
        continue;
      }
      const start = match.index;
      if (keepGaps && start > last) {
        const gap = text.slice(last, start);
        if (gap.length > limit) {
          scan!.long = gap;
          scan!.longFirst = first;
          scan!.position = start;
          last = start;
          first = false;
          break;
        }
        emit(gap, first);
        first = false;
      }
      const end = start + piece.length;
      used += end - last;
      last = end;
      if (piece.length > limit) {
        scan!.long = piece;
        scan!.longFirst = first;
        scan!.position = end;
        first = false;
        break;
      }
      // Later steps run on their own regexes: this one's position stays (a pause sets it again).
      emit(piece, first);
      first = false;
      if (used >= limit) {
        used = 0;
        scan!.position = end;
        break;
      }
    }
    if (done && keepGaps && last < text.length) {
      const rest = last === 0 ? text : text.slice(last);
      last = text.length;
      if (scan !== undefined) scan.position = text.length;
      if (rest.length > limit) {
        scan!.long = rest;
        scan!.longFirst = first;
        done = false;
      } else emit(rest, first);
      first = false;
    }
    if (scan !== undefined) {
      scan.last = last;
      scan.first = first;
      meter.used = used;
    }
    return done;
  }

  /** The Metaspace step's replacement and prefix on a long text, in slices (a per-character map). */
  *#metaspaceReplaceInSlices(
    step: Extract<PreTokenizerStep, { type: "metaspace" }>,
    text: string,
    firstSection: boolean,
    meter: SliceMeter,
  ): SlicedWork<string> {
    const parts: string[] = [];
    const chunk = Math.max(1, Math.min(meter.size, MAX_NORMALIZE_CHUNK));
    for (let start = 0; start < text.length; start += chunk) {
      parts.push(text.slice(start, start + chunk).replaceAll(" ", step.replacement));
      if (spend(meter, chunk)) yield;
    }
    const replaced = parts.join("");
    const prepend =
      step.prependScheme === "always" || (step.prependScheme === "first" && firstSection);
    return prepend && !replaced.startsWith(step.replacement)
      ? step.replacement + replaced
      : replaced;
  }

  /**
   * The Metaspace split of an already replaced text: a piece starts at every
   * `replacement` after the first character (see {@link metaspace}).
   * Resumable like {@link CompiledTokenizer.#scanSplit}.
   */
  #scanMetaspace(
    replaced: string,
    replacement: string,
    scan: Scan,
    meter: SliceMeter,
    emit: (piece: string, isFirst: boolean) => void,
  ): boolean {
    const marker = replacement.charCodeAt(0);
    const limit = meter.size;
    let start = scan.last;
    let used = meter.used;
    for (let index = Math.max(1, scan.position); index <= replaced.length; index++) {
      if (index < replaced.length && replaced.charCodeAt(index) !== marker) continue;
      const piece = replaced.slice(start, index);
      const isFirst = scan.first && start === 0;
      used += index - start;
      start = index;
      if (piece.length > limit) {
        scan.long = piece;
        scan.longFirst = isFirst;
        scan.position = index + 1;
        scan.last = start;
        meter.used = used;
        return false;
      }
      emit(piece, isFirst);
      if (used >= limit && index < replaced.length) {
        scan.position = index + 1;
        scan.last = start;
        meter.used = 0;
        return false;
      }
    }
    meter.used = used;
    return true;
  }

  /**
   * Words of a SentencePiece-style text: split before the word marker where
   * the character before allows it (`spec.wordBoundary`). Resumable like
   * {@link CompiledTokenizer.#scanSplit}.
   */
  #scanWords(text: string, scan: Scan | undefined, meter: SliceMeter, onPiece: PieceSink): boolean {
    const marker = this.spec.wordBoundary!.marker.charCodeAt(0);
    const length = text.length;
    const limit = meter.size;
    let start = 0;
    let index = 1;
    if (scan !== undefined) {
      start = scan.last;
      index = Math.max(1, scan.position);
      // The last word was handed on already.
      if (index > length) return true;
    }
    let used = meter.used;
    for (; index < length; index++) {
      if (text.charCodeAt(index) !== marker) continue;
      const before = text.charCodeAt(index - 1);
      if (before === marker || this.#boundaryUnsafe.has(before)) continue;
      const word = text.slice(start, index);
      used += index - start;
      start = index;
      if (word.length > limit) {
        scan!.long = word;
        scan!.position = index + 1;
        scan!.last = start;
        meter.used = used;
        return false;
      }
      onPiece(word);
      if (used >= limit) {
        scan!.position = index + 1;
        scan!.last = start;
        meter.used = 0;
        return false;
      }
    }
    const word = start === 0 ? text : text.slice(start);
    if (scan !== undefined) {
      scan.position = length + 1;
      meter.used = used + (length - start);
    }
    if (word.length > limit) {
      scan!.long = word;
      return false;
    }
    onPiece(word);
    return true;
  }

  #encodePiece(piece: string): number[] {
    let ids = this.#cache.get(piece);
    if (ids !== undefined) return ids;
    ids = this.#previousCache.get(piece);
    if (ids === undefined)
      ids = this.spec.byteLevel ? this.#encodeBytes(piece) : this.#encodeCharacters(piece);
    this.#remember(piece, ids);
    return ids;
  }

  /** Keep the ids of a pre-token in the bounded cache. */
  #remember(piece: string, ids: number[]): void {
    // Long pieces (a pasted blob) rarely repeat: not worth their memory in the cache.
    if (piece.length > MAX_CACHED_PIECE) return;
    if (this.#cache.size >= CACHE_LIMIT) {
      this.#previousCache = this.#cache;
      this.#cache = new Map();
    }
    this.#cache.set(piece, ids);
  }

  /**
   * {@link CompiledTokenizer.#encodePiece} for a long pre-token (megabytes
   * of one word are possible), in slices: its symbols in chunks that keep
   * surrogate pairs whole, then the merges in slices. Same ids.
   */
  *#encodeLongPiece(piece: string, meter: SliceMeter): SlicedWork<ArrayLike<number>> {
    const cached = this.#cache.get(piece);
    if (cached !== undefined) return cached;
    const previous = this.#previousCache.get(piece);
    if (previous !== undefined) {
      this.#remember(piece, previous);
      return previous;
    }
    if (
      !this.spec.byteLevel &&
      this.spec.ignoreMerges &&
      piece.length <= this.#longestTokenLength()
    ) {
      const whole = this.#index().get(piece);
      if (whole !== undefined) {
        this.#remember(piece, [whole]);
        return [whole];
      }
    }
    // The symbols go into a typed buffer (a plain array of millions of numbers is slow to grow and to collect).
    const chunk = Math.max(2, Math.min(meter.size, MAX_NORMALIZE_CHUNK));
    let symbols = new Int32Array(Math.max(16, Math.min(piece.length, 1 << 20)));
    let size = 0;
    const part: number[] = [];
    const unknown = { last: false };
    for (let start = 0; start < piece.length; ) {
      let end = Math.min(piece.length, start + chunk);
      const last = piece.charCodeAt(end - 1);
      if (end < piece.length && last >= 0xd800 && last <= 0xdbff) end++;
      const text = start === 0 && end === piece.length ? piece : piece.slice(start, end);
      part.length = 0;
      if (this.spec.byteLevel) this.#byteSymbols(text, part);
      else this.#characterSymbols(text, part, unknown);
      if (size + part.length > symbols.length) {
        const grown = new Int32Array(Math.max(symbols.length * 2, size + part.length));
        grown.set(symbols.subarray(0, size));
        symbols = grown;
      }
      symbols.set(part, size);
      size += part.length;
      const units = end - start;
      start = end;
      if (spend(meter, units)) yield;
    }
    const word = symbols.subarray(0, size);
    let ids: ArrayLike<number>;
    const whole =
      this.spec.byteLevel &&
      this.spec.ignoreMerges &&
      size > 1 &&
      size <= this.#longestTokenLength()
        ? this.#wholeByteToken(word)
        : undefined;
    if (whole !== undefined) ids = [whole];
    else if (size <= 48) ids = this.#merges.merge(Array.from(word));
    else ids = yield* this.#merges.mergeInSlices(word, meter);
    if (piece.length <= MAX_CACHED_PIECE) this.#remember(piece, Array.from(ids));
    return ids;
  }

  /** Length of the longest vocabulary token (a longer pre-token cannot be one token). */
  #longestTokenLength(): number {
    if (this.#longestToken === -1) {
      let longest = 0;
      for (const token of this.vocabulary) if (token.length > longest) longest = token.length;
      this.#longestToken = longest;
    }
    return this.#longestToken;
  }

  #encodeBytes(piece: string): number[] {
    const symbols: number[] = [];
    this.#byteSymbols(piece, symbols);
    if (symbols.length === 1) return symbols;
    if (this.spec.ignoreMerges) {
      const whole = this.#wholeByteToken(symbols);
      if (whole !== undefined) return [whole];
    }
    return this.#merges.merge(symbols);
  }

  /** Append the byte-level symbols (one per UTF-8 byte) of `text` to `symbols`. */
  #byteSymbols(text: string, symbols: number[]): void {
    const start = symbols.length;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80) {
        symbols.length = start;
        for (const byte of encoder.encode(text)) symbols.push(this.#byteIds[byte]!);
        return;
      }
      symbols.push(this.#byteIds[code]!);
    }
  }

  /** The vocabulary token spelled by byte-level `symbols` as a whole (`ignore_merges`), if any. */
  #wholeByteToken(symbols: ArrayLike<number>): number | undefined {
    let mapped = "";
    for (let index = 0; index < symbols.length; index++) mapped += this.vocabulary[symbols[index]!];
    return this.#index().get(mapped);
  }

  #encodeCharacters(piece: string): number[] {
    if (this.spec.ignoreMerges) {
      const whole = this.#index().get(piece);
      if (whole !== undefined) return [whole];
    }
    const symbols: number[] = [];
    this.#characterSymbols(piece, symbols, { last: false });
    return this.#merges.merge(symbols);
  }

  /**
   * Append the character symbols of `text` (byte fallback, else the unknown
   * token, fused when the model says so) to `symbols`; `unknown.last` carries
   * "the previous character was unknown" across pieces of one pre-token.
   */
  #characterSymbols(text: string, symbols: number[], unknown: { last: boolean }): void {
    for (const character of text) {
      const id = this.#characterIds.get(character.codePointAt(0)!);
      if (id !== undefined) {
        symbols.push(id);
        unknown.last = false;
        continue;
      }
      if (this.spec.byteFallback) {
        const bytes = encoder.encode(character);
        const fallback = Array.from(bytes, (byte) => this.#byteFallbackIds[byte]!);
        if (fallback.every((value) => value !== -1)) {
          symbols.push(...fallback);
          unknown.last = false;
          continue;
        }
      }
      const unknownId = this.spec.unknownId;
      if (unknownId === -1) {
        throw new Error(
          `The tokenizer has no token for ${JSON.stringify(character)} and no unknown token`,
        );
      }
      if (!(this.spec.fuseUnknown && unknown.last)) symbols.push(unknownId);
      unknown.last = true;
    }
  }
}
