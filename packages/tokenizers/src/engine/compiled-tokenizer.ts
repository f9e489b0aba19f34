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
import { BYTE_TO_CHARACTER, byteLevelToBytes } from "./byte-level.ts";
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
import {
  type Alignment,
  alignedEnd,
  alignedStart,
  identityAlignment,
  joinAlignments,
  normalizeAligned,
  prependedAlignment,
} from "./offset-alignment.ts";
import { metaspace, metaspaceText, splitPieces } from "./pre-tokenizer-splits.ts";
import type { RankTable } from "./rank-table.ts";
import {
  finishSlices,
  type SlicedWork,
  type SliceMeter,
  sliceMeter,
  spend,
} from "./slice-meter.ts";

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

/**
 * One token of {@link CompiledTokenizer.encodeWithOffsets}: its id, its
 * text, and the span of the input it stands for, as UTF-16 offsets
 * (`input.slice(start, end)`).
 */
export interface EngineToken {
  /** The token's id. */
  id: number;
  /**
   * The token decoded on its own: byte-level tokens as the UTF-8 of their
   * bytes (a piece of a character reads U+FFFD), SentencePiece tokens with
   * the word marker as a space (`▁Hello` reads ` Hello`) and byte fallback
   * decoded, added tokens as their content.
   */
  text: string;
  /** Where its span starts in the input (UTF-16 offset, inclusive). */
  start: number;
  /** Where its span ends in the input (UTF-16 offset, exclusive). */
  end: number;
}

const CACHE_LIMIT = 32_768;
const lossyUtf8 = new TextDecoder("utf-8");
const MAX_CACHED_PIECE = 8192;
const encoder = new TextEncoder();

type PieceSink = (piece: string) => void;
/** Receives a pre-token and where it starts in the text that was split. */
type PlacedPieceSink = (piece: string, start: number) => void;

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
  /** Where `long` starts in the scanned text (regex splits). */
  longStart: number;
}

function newScan(): Scan {
  return {
    position: 0,
    last: 0,
    first: true,
    count: 0,
    long: undefined,
    longFirst: false,
    longStart: 0,
  };
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
  /** The compiled header: normalisers, pre-tokenizers, added tokens, decoders. */
  readonly spec: CompiledTokenizerSpec;
  /** The token strings by id, when listed (`tokenizer.json`); made on first need from a rank table. */
  #vocabulary: string[] | undefined;
  /** The rank table, for tiktoken encodings loaded from their ranks. */
  readonly #ranks: RankTable | undefined;
  /** Content of the added tokens by id. */
  readonly #addedContent = new Map<number, string>();
  readonly #merges: MergeTable;
  readonly #byteIds = new Int32Array(256);
  readonly #byteFallbackIds = new Int32Array(256).fill(-1);
  readonly #characterIds = new Map<number, number>();
  #vocabularyIndex: Map<string, number> | undefined;
  readonly #splitRegexes: Array<RegExp | undefined>;
  #cache = new Map<string, number[]>();
  /** Token texts of {@link CompiledTokenizer.encodeWithOffsets} by id (at most one per vocabulary entry). */
  readonly #tokenTexts = new Map<number, string>();
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
    const spec = data.spec;
    for (const token of spec.addedTokens) this.#addedContent.set(token.id, token.content);
    if ("ranks" in data) {
      // tiktoken's BPE on the rank table: merges are learned from it as they are met.
      const ranks = data.ranks;
      this.#ranks = ranks;
      this.#merges = MergeTable.learned((left, right) => ranks.concatenationId(left, right));
      for (let byte = 0; byte < 256; byte++) this.#byteIds[byte] = ranks.byteId(byte) ?? -1;
    } else {
      this.#vocabulary = data.vocabulary;
      this.#merges = new MergeTable(data.merges);
      this.#findSymbols(data.vocabulary);
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

  /** The ids of the initial symbols: the 256 byte characters (byte-level), else characters and byte fallbacks. */
  #findSymbols(vocabulary: readonly string[]): void {
    if (this.spec.byteLevel) {
      // Only the 256 one-character tokens are needed here; the full index is built on first need.
      const characterToByte = new Map(
        BYTE_TO_CHARACTER.map((character, byte) => [character, byte]),
      );
      this.#byteIds.fill(-1);
      for (let id = 0; id < vocabulary.length; id++) {
        const token = vocabulary[id]!;
        if (token.length !== 1) continue;
        const byte = characterToByte.get(token);
        if (byte !== undefined && this.#byteIds[byte] === -1) this.#byteIds[byte] = id;
      }
    } else {
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
  }

  /** Number of ids (vocabulary plus added tokens). */
  get vocabularySize(): number {
    if (this.#vocabulary !== undefined) return this.#vocabulary.length;
    let size = this.#ranks!.size;
    for (const id of this.#addedContent.keys()) size = Math.max(size, id + 1);
    return size;
  }

  /** The token strings by id ("" for unused ids), as `tokenizer.json` vocabularies spell them. */
  get vocabulary(): readonly string[] {
    if (this.#vocabulary === undefined) {
      const vocabulary: string[] = [];
      const size = this.vocabularySize;
      for (let id = 0; id < size; id++) vocabulary.push(this.#token(id));
      this.#vocabulary = vocabulary;
    }
    return this.#vocabulary;
  }

  /** Token `id` as the vocabulary spells it ("" when there is none). */
  #token(id: number): string {
    const ranks = this.#ranks;
    if (ranks === undefined || this.#vocabulary !== undefined) return this.#vocabulary![id] ?? "";
    if (ranks.has(id)) return ranks.spelling(id);
    return this.#addedContent.get(id) ?? "";
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
    const onSection = (section: string, isFirst: boolean) =>
      this.#section(section, sink.piece, isFirst);
    while (!this.#scanAddedTokens(text, trie, first, scan, meter, onSection, sink.added)) {
      const long = scan.long;
      if (long === undefined) yield;
      else {
        scan.long = undefined;
        yield* this.#sectionInSlices(long, meter, sink, scan.longFirst);
        if (spend(meter, 0)) yield;
      }
    }
    return count;
  }

  /** The token strings of `text`, as the vocabulary spells them. */
  tokenize(text: string, options: EngineEncodeOptions = {}): string[] {
    return this.encode(text, options).map((id) => this.#token(id));
  }

  /**
   * The tokens of `text` with their ids (the same as `encode(text,
   * options)`), texts and offsets into `text`.
   *
   * Offsets are UTF-16 code units of the input. A token that covers part
   * of a character (a byte-level piece of an emoji, a byte-fallback
   * token) gets that whole character's span, so neighbours share it. A
   * character the tokenizer inserts (Metaspace's or Prepend's `▁`) adds
   * nothing to a span, and a token of only inserted text is empty where
   * the text starts. Spaces a SentencePiece marker stands for belong to
   * the token of the marker (`▁world` spans ` world`), as byte-level `Ġ`
   * does. Special tokens added around the text (`addSpecialTokens`) are
   * empty spans at the start and the end. See `offset-alignment.ts` for
   * normalisers.
   */
  encodeWithOffsets(text: string, options: EngineEncodeOptions = {}): EngineToken[] {
    return finishSlices(this.encodeWithOffsetsInSlices(text, options, UNBOUNDED));
  }

  /**
   * {@link encodeWithOffsets} in slices of about `meter.size` units of work
   * (like {@link countInSlices}); the same tokens for any slice size.
   */
  *encodeWithOffsetsInSlices(
    text: string,
    options: EngineEncodeOptions = {},
    meter: SliceMeter = sliceMeter(),
  ): SlicedWork<EngineToken[]> {
    const tokens: EngineToken[] = [];
    if (options.addSpecialTokens)
      for (const id of this.spec.prefixIds)
        tokens.push({ id, text: this.#token(id), start: 0, end: 0 });
    const allowSpecial = options.allowSpecial === true;
    const trie = allowSpecial ? this.#specialTrie : this.#plainTrie;
    // Sections between added tokens, and the added tokens, in order: [start, section or id, isFirst].
    const parts: Array<[number, string | number, boolean]> = [];
    if (trie.children.size === 0) parts.push([0, text, true]);
    else {
      let cursor = 0;
      this.#scanAddedTokens(
        text,
        trie,
        allowSpecial ? this.#specialFirst : this.#plainFirst,
        undefined,
        UNBOUNDED,
        (section, isFirst) => {
          parts.push([cursor, section, isFirst]);
          cursor += section.length;
        },
        (id) => {
          parts.push([cursor, id, false]);
          cursor += this.#addedContent.get(id)!.length;
        },
      );
    }
    if (spend(meter, text.length / TRIE_SCAN_CHARACTERS_PER_UNIT)) yield;
    for (const [start, part, isFirst] of parts) {
      if (typeof part === "number") {
        const content = this.#addedContent.get(part)!;
        tokens.push({ id: part, text: content, start, end: start + content.length });
      } else yield* this.#sectionWithOffsets(part, start, isFirst, meter, tokens);
    }
    if (options.addSpecialTokens)
      for (const id of this.spec.suffixIds)
        tokens.push({ id, text: this.#token(id), start: text.length, end: text.length });
    return tokens;
  }

  /** Drop the pre-token cache (it is bounded anyway; this frees its memory now). */
  clearCache(): void {
    this.#cache = new Map();
    this.#previousCache = new Map();
  }

  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    const ranks = this.#ranks;
    if (ranks === undefined) return this.#index().get(token);
    for (const [id, content] of this.#addedContent) if (content === token) return id;
    return ranks.spellingId(token);
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
      const token = this.#token(id);
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
      (section, isFirst) => this.#section(section, onPiece, isFirst),
      onAdded,
    );
  }

  /**
   * Find the added tokens of `text` (leftmost-longest, as `tokenizers`):
   * sections between them go to `onSection` (with "does it start the
   * text", which Metaspace's `prepend_scheme: "first"` reads), the tokens to
   * `onAdded`.
   * Resumable like {@link CompiledTokenizer.#countSimple}: a section longer
   * than a slice is left in `scan.long` for the caller.
   */
  #scanAddedTokens(
    text: string,
    trie: TrieNode,
    first: Uint8Array,
    scan: Scan | undefined,
    meter: SliceMeter,
    onSection: (section: string, isFirst: boolean) => void,
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
                scan!.longFirst = start === 0;
                scan!.position = index;
                scan!.last = index;
                meter.used = used;
                return false;
              }
              onSection(section, start === 0);
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
      scan!.longFirst = start === 0;
      return false;
    }
    onSection(rest, start === 0);
    if (spend(meter, rest.length)) return false;
    return true;
  }

  /**
   * One section between added tokens (`isFirst`: it starts the text): at
   * once when short, else scan by scan in slices.
   */
  *#sectionInSlices(
    text: string,
    meter: SliceMeter,
    sink: WalkSink,
    isFirst = true,
  ): SlicedWork<void> {
    if (text.length <= meter.size) {
      this.#section(text, sink.piece, isFirst);
      if (spend(meter, text.length)) yield;
      return;
    }
    const normalized =
      this.spec.normalizers.length === 0 ? text : yield* this.#normalizeInSlices(text, meter);
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    if (simple === undefined) {
      yield* this.#preTokenizeInSlices(normalized, 0, isFirst, meter, sink);
      return;
    }
    // One regex split, nothing after it: its pieces are the pre-tokens.
    const scan = newScan();
    while (
      !this.#scanSplit(normalized, simple, this.#simpleKeepGaps, isFirst, scan, meter, sink.piece)
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

  /** One section between added tokens; `isFirst`: it starts the text (Metaspace's `first` scheme prepends only there, as `tokenizers` does). */
  #section(text: string, onPiece: PieceSink, isFirst = true): void {
    const normalized = this.spec.normalizers.length === 0 ? text : this.#normalize(text);
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    // Fast path: one regex split (OpenAI, Llama 3, Qwen, Claude).
    if (simple !== undefined)
      this.#scanSplit(
        normalized,
        simple,
        this.#simpleKeepGaps,
        isFirst,
        undefined,
        UNBOUNDED,
        onPiece,
      );
    else this.#preTokenize(normalized, 0, isFirst, onPiece);
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
    emit: (piece: string, isFirst: boolean, start: number) => void,
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
          scan!.longStart = last;
          scan!.position = start;
          last = start;
          first = false;
          break;
        }
        emit(gap, first, last);
        first = false;
      }
      const end = start + piece.length;
      used += end - last;
      last = end;
      if (piece.length > limit) {
        scan!.long = piece;
        scan!.longFirst = first;
        scan!.longStart = start;
        scan!.position = end;
        first = false;
        break;
      }
      // Later steps run on their own regexes: this one's position stays (a pause sets it again).
      emit(piece, first, start);
      first = false;
      if (used >= limit) {
        used = 0;
        scan!.position = end;
        break;
      }
    }
    if (done && keepGaps && last < text.length) {
      const restStart = last;
      const rest = last === 0 ? text : text.slice(last);
      last = text.length;
      if (scan !== undefined) scan.position = text.length;
      if (rest.length > limit) {
        scan!.long = rest;
        scan!.longFirst = first;
        scan!.longStart = restStart;
        done = false;
      } else emit(rest, first, restStart);
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
  #scanWords(
    text: string,
    scan: Scan | undefined,
    meter: SliceMeter,
    onPiece: PlacedPieceSink,
  ): boolean {
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
      const wordStart = start;
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
      onPiece(word, wordStart);
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
    onPiece(word, start);
    return true;
  }

  /** {@link CompiledTokenizer.#section} with offsets: the tokens of one section starting at `offset` of the input. */
  *#sectionWithOffsets(
    section: string,
    offset: number,
    isFirst: boolean,
    meter: SliceMeter,
    tokens: EngineToken[],
  ): SlicedWork<void> {
    let normalized = section;
    let alignment = identityAlignment(offset);
    const steps = this.spec.normalizers;
    if (steps.length > 0) {
      // In pieces split where no normaliser sees across (as #normalizeInSlices), a slice each.
      const chunk = Math.max(1, Math.min(meter.size, MAX_NORMALIZE_CHUNK));
      const texts: string[] = [];
      const parts: Array<[Alignment, number]> = [];
      const prepended: boolean[] = [];
      for (let start = 0; start < section.length; ) {
        let end = Math.min(section.length, start + chunk);
        while (end < section.length && !isNormalizationBoundary(section, end, this.#normalization))
          end++;
        const part = normalizeAligned(
          steps,
          start === 0 && end === section.length ? section : section.slice(start, end),
          identityAlignment(offset + start),
          prepended,
        );
        texts.push(part.text);
        parts.push([part.alignment, part.text.length]);
        const units = end - start;
        start = end;
        if (spend(meter, units)) yield;
      }
      normalized = texts.length === 1 ? texts[0]! : texts.join("");
      alignment = joinAlignments(parts);
    }
    if (normalized.length === 0) return;
    const simple = this.#simpleRegex;
    if (simple !== undefined) {
      // One regex split: resumable, each piece encoded as it is found (as the count in slices does).
      const scan = newScan();
      const place = (piece: string, _first: boolean, start: number) =>
        this.#placeTokens(piece, alignment, start, this.#encodePiece(piece), tokens);
      for (;;) {
        const done = this.#scanSplit(
          normalized,
          simple,
          this.#simpleKeepGaps,
          isFirst,
          scan,
          meter,
          place,
        );
        const long = scan.long;
        if (long !== undefined) {
          scan.long = undefined;
          const ids = yield* this.#encodeLongPiece(long, meter);
          this.#placeTokens(long, alignment, scan.longStart, ids, tokens);
          if (spend(meter, 0)) yield;
        } else if (done) return;
        else yield;
      }
    }
    // Other pre-tokenizers: the pieces first (one scan), then their tokens in slices.
    const pieces: string[] = [];
    const alignments: Alignment[] = [];
    const bases: number[] = [];
    this.#preTokenizeAligned(
      normalized,
      alignment,
      0,
      0,
      isFirst,
      (piece, pieceAlignment, base) => {
        pieces.push(piece);
        alignments.push(pieceAlignment);
        bases.push(base);
      },
    );
    if (spend(meter, normalized.length)) yield;
    for (let index = 0; index < pieces.length; index++) {
      const piece = pieces[index]!;
      const ids =
        piece.length > meter.size
          ? yield* this.#encodeLongPiece(piece, meter)
          : this.#encodePiece(piece);
      this.#placeTokens(piece, alignments[index]!, bases[index]!, ids, tokens);
      if (spend(meter, piece.length)) yield;
    }
  }

  /**
   * {@link CompiledTokenizer.#preTokenize} with each pre-token's alignment:
   * `text` is units `[base, base + text.length)` of `alignment`, and so is
   * each piece handed to `onPiece` at its own base.
   */
  #preTokenizeAligned(
    text: string,
    alignment: Alignment,
    base: number,
    stepIndex: number,
    firstSection: boolean,
    onPiece: (piece: string, alignment: Alignment, base: number) => void,
  ): void {
    const steps = this.spec.preTokenizers;
    if (stepIndex === steps.length) {
      if (this.spec.wordBoundary)
        this.#scanWords(text, undefined, UNBOUNDED, (piece, start) =>
          onPiece(piece, alignment, base + start),
        );
      else onPiece(text, alignment, base);
      return;
    }
    const step = steps[stepIndex]!;
    let stepAlignment = alignment;
    let stepBase = base;
    const next = (piece: string, isFirst: boolean, start: number) =>
      this.#preTokenizeAligned(
        piece,
        stepAlignment,
        stepBase + start,
        stepIndex + 1,
        isFirst,
        onPiece,
      );
    if (step.type === "metaspace") {
      // Spaces become the replacement one for one; a prepended replacement maps to an empty span.
      if (metaspaceText(step, text, firstSection).prepended) {
        stepAlignment = prependedAlignment(alignment, base, text.length, step.replacement.length);
        stepBase = 0;
      }
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

  /**
   * Append the tokens `ids` of pre-token `piece` (units `[base, base +
   * piece.length)` of `alignment`) to `tokens`, with spans: each token's
   * length in the piece (its bytes, for byte-level models; its characters,
   * for the others) walks the piece, and the alignment maps the covered
   * units back to the input.
   */
  #placeTokens(
    piece: string,
    alignment: Alignment,
    base: number,
    ids: ArrayLike<number>,
    tokens: EngineToken[],
  ): void {
    const byteLevel = this.spec.byteLevel;
    let unit = 0;
    // Bytes of the character at `unit` that earlier tokens took.
    let taken = 0;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      const spelling = this.#token(id);
      const startUnit = unit;
      let bytes = byteLevel ? spelling.length : this.#fallbackByte(id) === -1 ? -1 : 1;
      if (
        bytes === -1 &&
        id === this.spec.unknownId &&
        unit < piece.length &&
        this.#isUnknownAt(piece, unit)
      ) {
        // One unknown character, or with `fuse_unk` the run of them.
        do unit += characterUnits(piece, unit);
        while (this.spec.fuseUnknown && unit < piece.length && this.#isUnknownAt(piece, unit));
        taken = 0;
      } else if (bytes === -1) {
        unit = Math.min(piece.length, unit + spelling.length);
        taken = 0;
      } else {
        while (bytes > 0 && unit < piece.length) {
          if (taken === 0 && piece.charCodeAt(unit) < 0x80) {
            unit++;
            bytes--;
            continue;
          }
          const rest = utf8Length(piece, unit) - taken;
          if (bytes >= rest) {
            bytes -= rest;
            unit += characterUnits(piece, unit);
            taken = 0;
          } else {
            taken += bytes;
            bytes = 0;
          }
        }
      }
      const endUnit = taken > 0 ? unit + characterUnits(piece, unit) : unit;
      let start: number;
      let end: number;
      if (startUnit < endUnit) {
        start = alignedStart(alignment, base + startUnit);
        end = alignedEnd(alignment, base + endUnit - 1);
      } else {
        start =
          startUnit < piece.length
            ? alignedStart(alignment, base + startUnit)
            : alignedEnd(alignment, base + piece.length - 1);
        end = start;
      }
      tokens.push({ id, text: this.#tokenText(id, spelling), start, end });
    }
  }

  /** The byte of a byte-fallback token (`<0x0A>`), or -1. */
  #fallbackByte(id: number): number {
    if (!this.spec.byteFallback) return -1;
    const spelling = this.#token(id);
    if (spelling.length !== 6 || !spelling.startsWith("<0x") || !spelling.endsWith(">")) return -1;
    const byte = Number.parseInt(spelling.slice(3, 5), 16);
    return !Number.isNaN(byte) && this.#byteFallbackIds[byte] === id ? byte : -1;
  }

  /** Whether the character at `unit` has no symbol (see {@link CompiledTokenizer.#characterSymbols}). */
  #isUnknownAt(piece: string, unit: number): boolean {
    const code = piece.codePointAt(unit)!;
    if (this.#characterIds.has(code)) return false;
    if (!this.spec.byteFallback) return true;
    const bytes = encoder.encode(String.fromCodePoint(code));
    return !bytes.every((byte) => this.#byteFallbackIds[byte] !== -1);
  }

  /** Model token `id` decoded on its own (see {@link EngineToken.text}), cached by id. */
  #tokenText(id: number, spelling: string): string {
    let text = this.#tokenTexts.get(id);
    if (text === undefined) {
      text = this.#decodeTokenText(id, spelling);
      this.#tokenTexts.set(id, text);
    }
    return text;
  }

  /** Added tokens found in the text read as their content (see `encodeWithOffsetsInSlices`). */
  #decodeTokenText(id: number, spelling: string): string {
    if (this.spec.byteLevel) {
      const bytes = byteLevelToBytes(spelling);
      return bytes === undefined ? spelling : lossyUtf8.decode(bytes);
    }
    const byte = this.#fallbackByte(id);
    if (byte !== -1) return lossyUtf8.decode(Uint8Array.of(byte));
    let parts = [spelling];
    for (const step of this.spec.decoders) {
      if (step.type === "replace" || step.type === "byteFallback" || step.type === "metaspace")
        parts = applyDecoder(step, parts, false);
    }
    return parts.join("");
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
        ? this.#wholeByteToken(piece, word)
        : undefined;
    if (whole !== undefined) ids = [whole];
    else if (size <= 48) ids = this.#merges.merge(Array.from(word));
    else ids = yield* this.#merges.mergeInSlices(word, meter);
    if (piece.length <= MAX_CACHED_PIECE) this.#remember(piece, Array.from(ids));
    return ids;
  }

  /** Length of the longest vocabulary token (a longer pre-token cannot be one token). */
  #longestTokenLength(): number {
    if (this.#longestToken === -1 && this.#ranks !== undefined)
      this.#longestToken = this.#ranks.longestTokenBytes;
    if (this.#longestToken === -1) {
      let longest = 0;
      for (const token of this.vocabulary) if (token.length > longest) longest = token.length;
      this.#longestToken = longest;
    }
    return this.#longestToken;
  }

  #encodeBytes(piece: string): number[] {
    // tiktoken's first step: a pre-token that is a token is that token.
    const whole = this.#ranks?.textId(piece);
    if (whole !== undefined) return [whole];
    const symbols: number[] = [];
    this.#byteSymbols(piece, symbols);
    if (symbols.length === 1) return symbols;
    if (this.spec.ignoreMerges && this.#ranks === undefined) {
      const listed = this.#wholeByteToken(piece, symbols);
      if (listed !== undefined) return [listed];
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

  /** The vocabulary token spelled by byte-level `symbols` (of `piece`) as a whole (`ignore_merges`), if any. */
  #wholeByteToken(piece: string, symbols: ArrayLike<number>): number | undefined {
    if (this.#ranks !== undefined) return this.#ranks.textId(piece);
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

/** UTF-16 units of the character at `index` (2 for a surrogate pair). */
function characterUnits(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2;
  }
  return 1;
}

/** UTF-8 bytes of the character at `index` (a lone surrogate encodes as U+FFFD: 3). */
function utf8Length(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return characterUnits(text, index) === 2 ? 4 : 3;
}
