/**
 * A tiktoken rank table held as it ships (`gpt-tokenizer`'s `bpeRanks`):
 * token `i` is the byte sequence of rank `i`, kept as text where those
 * bytes are valid UTF-8 and as bytes where they are not. The engine runs
 * tiktoken's BPE on it directly ({@link RankTable.concatenationId} is the
 * merge rule: two adjacent parts merge when their concatenation is a
 * token, lowest rank first), so nothing has to be converted or derived
 * before the first count: building it is one pass over the tokens that
 * copies them into typed arrays and hashes them into an open-addressing
 * index, and the compact cache stores those arrays as they are, so a
 * cached load is a file read and a few typed-array views.
 *
 * @see https://github.com/openai/tiktoken/blob/main/src/lib.rs
 */
import { BYTE_TO_CHARACTER, CHARACTER_TO_BYTE } from "./byte-level.ts";

/** A rank table entry as `gpt-tokenizer` ships it: text, bytes, or a hole. */
export type RankEntry = string | readonly number[] | undefined;

/** The serialisable parts of a {@link RankTable} (what the compact cache stores). */
export interface RankTableParts {
  /** Per id: 0 = no token, 1 = text, 2 = bytes. */
  kinds: Uint8Array;
  /** Per id: length in UTF-16 units (text) or bytes. */
  lengths: Int32Array;
  /** Per id: where the token starts in `text` or `bytes`. */
  starts: Int32Array;
  /** The text tokens' UTF-16 code units, joined in id order. */
  text: Uint16Array;
  /** The byte tokens, joined in id order. */
  bytes: Uint8Array;
  /** The hash index of the text tokens (open addressing: id + 1, 0 = empty). */
  slots: Int32Array;
  /** The hash index of the byte tokens, the same way. */
  byteSlots: Int32Array;
  /** The rank of each single-byte token (-1: none). */
  byteIds: Int32Array;
}

const NONE = 0;
const TEXT = 1;
const BYTES = 2;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over `bytes`. */
function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let hash = FNV_OFFSET;
  for (let index = start; index < start + length; index++)
    hash = Math.imul(hash ^ bytes[index]!, FNV_PRIME);
  return hash >>> 0;
}

/** An open-addressing index with room for `count` entries at half load (id + 1, 0 = empty). */
function slotsFor(count: number): Int32Array {
  let capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  return new Int32Array(capacity);
}

/** Put `id` in the first free slot from `hash`. */
function insert(slots: Int32Array, hash: number, id: number): void {
  const mask = slots.length - 1;
  let slot = hash & mask;
  while (slots[slot] !== 0) slot = (slot + 1) & mask;
  slots[slot] = id + 1;
}

/** FNV-1a over the UTF-16 code units of `text`. */
function hashText(text: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  return hash >>> 0;
}

/** A rank table with a lookup from token bytes (as text, or as bytes) to rank. */
export class RankTable {
  /** Number of ranks (holes included). */
  readonly size: number;
  readonly #kinds: Uint8Array;
  readonly #lengths: Int32Array;
  readonly #starts: Int32Array;
  /** The text tokens' UTF-16 code units, joined in id order. */
  readonly #units: Uint16Array;
  readonly #bytes: Uint8Array;
  #longestTokenBytes = -1;
  readonly #slots: Int32Array;
  readonly #mask: number;
  readonly #byteSlots: Int32Array;
  readonly #byteIds: Int32Array;
  /** GPT-2 spellings, made on first need. */
  readonly #spellings: string[] = [];

  private constructor(parts: RankTableParts) {
    const { kinds, lengths, starts, bytes } = parts;
    this.size = kinds.length;
    this.#kinds = kinds;
    this.#lengths = lengths;
    this.#starts = starts;
    this.#units = parts.text;
    this.#bytes = bytes;
    this.#slots = parts.slots;
    this.#mask = parts.slots.length - 1;
    this.#byteSlots = parts.byteSlots;
    this.#byteIds = parts.byteIds;
  }

  /** Length in bytes of the longest token (a bound: a UTF-16 unit counts 3). */
  get longestTokenBytes(): number {
    if (this.#longestTokenBytes === -1) {
      let longest = 0;
      for (let id = 0; id < this.size; id++) {
        const kind = this.#kinds[id];
        const bytes =
          kind === TEXT ? this.#lengths[id]! * 3 : kind === BYTES ? this.#lengths[id]! : 0;
        if (bytes > longest) longest = bytes;
      }
      this.#longestTokenBytes = longest;
    }
    return this.#longestTokenBytes;
  }

  /**
   * From a rank list (`gpt-tokenizer`'s `bpeRanks`): entry `i` is the token
   * of rank `i`. One pass over the text tokens' characters copies them and
   * hashes them for the index.
   */
  static fromRanks(ranks: readonly RankEntry[]): RankTable {
    const size = ranks.length;
    const kinds = new Uint8Array(size);
    const lengths = new Int32Array(size);
    let textTotal = 0;
    let textCount = 0;
    let byteTotal = 0;
    let byteCount = 0;
    for (let id = 0; id < size; id++) {
      const entry = ranks[id];
      if (typeof entry === "string") {
        kinds[id] = TEXT;
        lengths[id] = entry.length;
        textTotal += entry.length;
        textCount++;
      } else if (entry !== undefined) {
        kinds[id] = BYTES;
        lengths[id] = entry.length;
        byteTotal += entry.length;
        byteCount++;
      }
    }
    const slots = slotsFor(textCount);
    const byteSlots = slotsFor(byteCount);
    const text = new Uint16Array(textTotal);
    const bytes = new Uint8Array(byteTotal);
    const starts = new Int32Array(size);
    let textOffset = 0;
    let byteOffset = 0;
    for (let id = 0; id < size; id++) {
      const entry = ranks[id];
      if (typeof entry === "string") {
        starts[id] = textOffset;
        let hash = FNV_OFFSET;
        for (let index = 0; index < entry.length; index++) {
          const unit = entry.charCodeAt(index);
          text[textOffset++] = unit;
          hash = Math.imul(hash ^ unit, FNV_PRIME);
        }
        insert(slots, hash >>> 0, id);
      } else if (entry !== undefined) {
        starts[id] = byteOffset;
        bytes.set(entry, byteOffset);
        insert(byteSlots, hashBytes(bytes, byteOffset, entry.length), id);
        byteOffset += entry.length;
      }
    }
    const table = new RankTable({
      kinds,
      lengths,
      starts,
      text,
      bytes,
      slots,
      byteSlots,
      byteIds: new Int32Array(256).fill(-1),
    });
    for (let byte = 0; byte < 256; byte++) {
      const id =
        byte < 0x80
          ? table.textId(String.fromCharCode(byte))
          : table.#byteTokenId(Uint8Array.of(byte));
      table.#byteIds[byte] = id ?? -1;
    }
    return table;
  }

  /** From the parts {@link RankTable.parts} gave (the compact cache). */
  static fromParts(parts: RankTableParts): RankTable {
    for (const { length } of [parts.slots, parts.byteSlots]) {
      if (length === 0 || (length & (length - 1)) !== 0)
        throw new RangeError("A rank index is not a power of two");
    }
    if (parts.byteIds.length !== 256) throw new RangeError("The byte ranks are not 256");
    return new RankTable(parts);
  }

  /** The serialisable parts. */
  parts(): RankTableParts {
    return {
      kinds: this.#kinds,
      lengths: this.#lengths,
      starts: this.#starts,
      text: this.#units,
      bytes: this.#bytes,
      slots: this.#slots,
      byteSlots: this.#byteSlots,
      byteIds: this.#byteIds,
    };
  }

  /** The rank of the token whose bytes are the UTF-8 of `text`, or undefined. */
  textId(text: string): number | undefined {
    const length = text.length;
    let slot = hashText(text) & this.#mask;
    for (;;) {
      const stored = this.#slots[slot]!;
      if (stored === 0) return undefined;
      const id = stored - 1;
      if (this.#lengths[id] === length && this.#textEquals(id, text)) return id;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** Whether text token `id` is `text` (whose length was checked). */
  #textEquals(id: number, text: string): boolean {
    const units = this.#units;
    const start = this.#starts[id]!;
    for (let index = 0; index < text.length; index++)
      if (units[start + index] !== text.charCodeAt(index)) return false;
    return true;
  }

  /** The rank of the token of exactly these bytes, or undefined. */
  bytesId(bytes: Uint8Array): number | undefined {
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      return this.#byteTokenId(bytes);
    }
    return this.textId(text);
  }

  /** The rank of the byte token (not valid UTF-8) of exactly these bytes, or undefined. */
  #byteTokenId(bytes: Uint8Array): number | undefined {
    const slots = this.#byteSlots;
    const mask = slots.length - 1;
    let slot = hashBytes(bytes, 0, bytes.length) & mask;
    for (;;) {
      const stored = slots[slot]!;
      if (stored === 0) return undefined;
      const id = stored - 1;
      if (this.#lengths[id] === bytes.length) {
        const start = this.#starts[id]!;
        let same = true;
        for (let index = 0; index < bytes.length && same; index++)
          same = this.#bytes[start + index] === bytes[index];
        if (same) return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The rank of the single-byte token `byte`, or undefined. */
  byteId(byte: number): number | undefined {
    const id = this.#byteIds[byte] ?? -1;
    return id === -1 ? undefined : id;
  }

  /**
   * tiktoken's merge rule: the rank of the token spelled by token `left`
   * followed by token `right`, or -1 when there is none.
   */
  concatenationId(left: number, right: number): number {
    if (this.#kinds[left] === TEXT && this.#kinds[right] === TEXT)
      return this.textId(this.#textOf(left) + this.#textOf(right)) ?? -1;
    const first = this.bytesOf(left);
    const second = this.bytesOf(right);
    const joined = new Uint8Array(first.length + second.length);
    joined.set(first);
    joined.set(second, first.length);
    return this.bytesId(joined) ?? -1;
  }

  #textOf(id: number): string {
    const start = this.#starts[id]!;
    return String.fromCharCode.apply(
      null,
      this.#units.subarray(start, start + this.#lengths[id]!) as unknown as number[],
    );
  }

  /** The bytes of token `id` (empty for a hole). */
  bytesOf(id: number): Uint8Array {
    const kind = this.#kinds[id];
    if (kind === TEXT) return utf8.encode(this.#textOf(id));
    if (kind === BYTES) {
      const start = this.#starts[id]!;
      return this.#bytes.subarray(start, start + this.#lengths[id]!);
    }
    return new Uint8Array(0);
  }

  /** Whether `id` is a token of the table. */
  has(id: number): boolean {
    return id >= 0 && id < this.size && this.#kinds[id] !== NONE;
  }

  /** Token `id` spelled as byte-level `tokenizer.json` vocabularies spell it (GPT-2 byte characters); "" for a hole. */
  spelling(id: number): string {
    let spelled = this.#spellings[id];
    if (spelled === undefined) {
      spelled = "";
      for (const byte of this.bytesOf(id)) spelled += BYTE_TO_CHARACTER[byte];
      this.#spellings[id] = spelled;
    }
    return spelled;
  }

  /** The rank of a token spelled in GPT-2 byte characters, or undefined. */
  spellingId(spelling: string): number | undefined {
    const bytes = new Uint8Array(spelling.length);
    for (let index = 0; index < spelling.length; index++) {
      const byte = CHARACTER_TO_BYTE[spelling.charCodeAt(index)] ?? -1;
      if (byte === -1) return undefined;
      bytes[index] = byte;
    }
    return this.bytesId(bytes);
  }
}
