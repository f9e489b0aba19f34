/**
 * The compact cached form of a compiled tokenizer: a small JSON header, the
 * vocabulary as UTF-16 text with lengths, and the merges as raw int32
 * triples. Loading it is a file read plus typed-array copies (tens of
 * milliseconds), where parsing a `tokenizer.json` takes from 0.3 s to
 * several seconds. Files are written atomically (temporary file, then
 * rename), so a reader never sees half a file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  COMPILED_FORMAT,
  type CompiledTokenizerData,
  type CompiledTokenizerSpec,
} from "./compile-tokenizer.ts";

const MAGIC = 0x434b5452; // "RTKC" little-endian

/** Serialise compiled tokenizer data to bytes. */
export function encodeCompactTokenizer(data: CompiledTokenizerData): Uint8Array {
  const header = Buffer.from(JSON.stringify(data.spec), "utf8");
  const lengths = new Int32Array(data.vocabulary.length);
  let totalUnits = 0;
  for (let id = 0; id < data.vocabulary.length; id++) {
    lengths[id] = data.vocabulary[id]!.length;
    totalUnits += lengths[id]!;
  }
  const text = Buffer.from(data.vocabulary.join(""), "utf16le");
  if (text.length !== totalUnits * 2) throw new Error("vocabulary text length mismatch");
  const size =
    16 +
    pad4(header.length) +
    4 +
    lengths.byteLength +
    4 +
    pad4(text.length) +
    4 +
    data.merges.byteLength;
  const out = Buffer.alloc(size);
  let offset = 0;
  out.writeUInt32LE(MAGIC, offset);
  out.writeUInt32LE(COMPILED_FORMAT, offset + 4);
  out.writeUInt32LE(header.length, offset + 8);
  out.writeUInt32LE(0, offset + 12);
  offset = 16;
  header.copy(out, offset);
  offset += pad4(header.length);
  out.writeUInt32LE(lengths.length, offset);
  offset += 4;
  Buffer.from(lengths.buffer, lengths.byteOffset, lengths.byteLength).copy(out, offset);
  offset += lengths.byteLength;
  out.writeUInt32LE(text.length, offset);
  offset += 4;
  text.copy(out, offset);
  offset += pad4(text.length);
  out.writeUInt32LE(data.merges.length, offset);
  offset += 4;
  Buffer.from(data.merges.buffer, data.merges.byteOffset, data.merges.byteLength).copy(out, offset);
  return out;
}

/** Parse bytes written by {@link encodeCompactTokenizer}; undefined when they are not a valid file of this format. */
export function decodeCompactTokenizer(bytes: Uint8Array): CompiledTokenizerData | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    buffer.length < 16 ||
    buffer.readUInt32LE(0) !== MAGIC ||
    buffer.readUInt32LE(4) !== COMPILED_FORMAT
  ) {
    return undefined;
  }
  try {
    const headerLength = buffer.readUInt32LE(8);
    let offset = 16;
    const spec = JSON.parse(
      buffer.toString("utf8", offset, offset + headerLength),
    ) as CompiledTokenizerSpec;
    offset += pad4(headerLength);
    const count = buffer.readUInt32LE(offset);
    offset += 4;
    const lengths = new Int32Array(count);
    new Uint8Array(lengths.buffer).set(buffer.subarray(offset, offset + count * 4));
    offset += count * 4;
    const textBytes = buffer.readUInt32LE(offset);
    offset += 4;
    const text = buffer.toString("utf16le", offset, offset + textBytes);
    offset += pad4(textBytes);
    const vocabulary = new Array<string>(count);
    let position = 0;
    for (let id = 0; id < count; id++) {
      const length = lengths[id]!;
      vocabulary[id] = text.slice(position, position + length);
      position += length;
    }
    const mergeCount = buffer.readUInt32LE(offset);
    offset += 4;
    if (offset + mergeCount * 4 > buffer.length) return undefined;
    const merges = new Int32Array(mergeCount);
    new Uint8Array(merges.buffer).set(buffer.subarray(offset, offset + mergeCount * 4));
    return { spec, vocabulary, merges };
  } catch {
    return undefined;
  }
}

/** Read a compact file; undefined when it is missing or unreadable. */
export async function readCompactTokenizer(
  path: string,
): Promise<CompiledTokenizerData | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  return decodeCompactTokenizer(bytes);
}

/** Write `bytes` to `path` atomically: a temporary file in the same directory, then rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

function pad4(length: number): number {
  return (length + 3) & ~3;
}
