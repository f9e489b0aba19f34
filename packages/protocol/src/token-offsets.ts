/**
 * Token offsets between Ratatoskr and the wire. Ratatoskr's `Token.start` /
 * `end` are UTF-16 code unit offsets (JavaScript string indices); the wire's
 * `Token.start` / `end` are UTF-8 byte offsets, as the Rust original reports
 * them. Both directions convert against the tokenized text.
 */

/**
 * A converter of offsets of one text between UTF-16 code units and UTF-8
 * bytes. An offset inside a surrogate pair (UTF-16) or inside a character's
 * bytes (UTF-8) maps to the start of that character; offsets past the end
 * clamp to the end.
 */
export class TextOffsets {
  /** `bytesAt[i]`: the UTF-8 byte offset of UTF-16 offset `i` (length + 1 entries). */
  readonly #bytesAt: Uint32Array;

  constructor(text: string) {
    const bytesAt = new Uint32Array(text.length + 1);
    let bytes = 0;
    for (let index = 0; index < text.length; index++) {
      bytesAt[index] = bytes;
      const unit = text.charCodeAt(index);
      const next = text.charCodeAt(index + 1);
      if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: four bytes; its low half shares the pair's start.
        index++;
        bytesAt[index] = bytes;
        bytes += 4;
      } else {
        bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
      }
    }
    bytesAt[text.length] = bytes;
    this.#bytesAt = bytesAt;
  }

  /** The UTF-8 byte length of the text. */
  get byteLength(): number {
    return this.#bytesAt[this.#bytesAt.length - 1] ?? 0;
  }

  /** UTF-16 code unit offset → UTF-8 byte offset. */
  toBytes(utf16: number): number {
    const index = Math.min(Math.max(0, Math.trunc(utf16)), this.#bytesAt.length - 1);
    return this.#bytesAt[index] ?? 0;
  }

  /** UTF-8 byte offset → UTF-16 code unit offset (of the character holding that byte). */
  toUtf16(bytes: number): number {
    const table = this.#bytesAt;
    let low = 0;
    let high = table.length - 1;
    // The last UTF-16 offset whose byte offset is at most `bytes`.
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((table[middle] ?? 0) <= bytes) low = middle;
      else high = middle - 1;
    }
    // A low surrogate shares its pair's byte offset: step back to the pair's start.
    while (low > 0 && table[low - 1] === table[low]) low--;
    return low;
  }
}
