/**
 * The GPT-2 byte-to-character table used by byte-level BPE tokenizers
 * (OpenAI encodings, Llama 3, Qwen, DeepSeek, Claude): every byte maps to a
 * printable character, so a vocabulary of byte sequences can be stored as
 * strings.
 *
 * @see https://huggingface.co/docs/tokenizers/api/pre-tokenizers#tokenizers.pre_tokenizers.ByteLevel
 */

/**
 * The split of the `ByteLevel` pre-tokenizer when `use_regex` is on: GPT-2's
 * pattern, with JavaScript's `\s` as `@huggingface/tokenizers` runs it (the
 * reference this engine is checked against).
 *
 * @see https://github.com/huggingface/tokenizers/blob/main/tokenizers/src/pre_tokenizers/byte_level.rs
 */
export const BYTE_LEVEL_SPLIT_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Byte value → the character that stands for it in byte-level vocabularies. */
export const BYTE_TO_CHARACTER: readonly string[] = buildByteToCharacter();

/** Inverse of {@link BYTE_TO_CHARACTER}: character code → byte value (-1 when not a byte character). */
export const CHARACTER_TO_BYTE: Int16Array = buildCharacterToByte();

function buildByteToCharacter(): string[] {
  const printable: number[] = [];
  for (let byte = 0x21; byte <= 0x7e; byte++) printable.push(byte);
  for (let byte = 0xa1; byte <= 0xac; byte++) printable.push(byte);
  for (let byte = 0xae; byte <= 0xff; byte++) printable.push(byte);
  const table = new Array<string>(256);
  for (const byte of printable) table[byte] = String.fromCharCode(byte);
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    if (table[byte] === undefined) table[byte] = String.fromCharCode(256 + extra++);
  }
  return table;
}

function buildCharacterToByte(): Int16Array {
  const table = new Int16Array(512).fill(-1);
  BYTE_TO_CHARACTER.forEach((character, byte) => {
    table[character.charCodeAt(0)] = byte;
  });
  return table;
}

/** Decode a byte-level token string to its bytes; undefined when a character is not a byte character. */
export function byteLevelToBytes(token: string): Uint8Array | undefined {
  const bytes = new Uint8Array(token.length);
  for (let index = 0; index < token.length; index++) {
    const code = token.charCodeAt(index);
    const byte = code < 512 ? CHARACTER_TO_BYTE[code]! : -1;
    if (byte < 0) return undefined;
    bytes[index] = byte;
  }
  return bytes;
}
