/**
 * The compact cached form of a compiled tokenizer: a small JSON header (the
 * spec), then the data as raw sections: for a `tokenizer.json`, the
 * vocabulary as UTF-16 text with lengths and the merges as int32 triples;
 * for a tiktoken rank table, its kinds, lengths, text and bytes. Loading it
 * is a file read plus typed-array copies (tens of milliseconds), where
 * parsing a `tokenizer.json` takes from 0.3 s to several seconds. Files are
 * written atomically (temporary file, then rename), so a reader never sees
 * half a file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  COMPILED_FORMAT,
  type CompiledTokenizerData,
  type CompiledTokenizerSpec,
} from "./compile-tokenizer.ts";
import { RankTable } from "./rank-table.ts";

const MAGIC = 0x434b5452; // "RTKC" little-endian
const LISTED = 0;
const RANKED = 1;

/** Serialise compiled tokenizer data to bytes. */
export function encodeCompactTokenizer(data: CompiledTokenizerData): Uint8Array {
  const sections: Uint8Array[] = [];
  let layout: number;
  if ("ranks" in data) {
    layout = RANKED;
    const parts = data.ranks.parts();
    sections.push(
      parts.kinds,
      bytesOf(parts.lengths),
      bytesOf(parts.starts),
      bytesOf(parts.text),
      parts.bytes,
      bytesOf(parts.slots),
      bytesOf(parts.byteSlots),
      bytesOf(parts.byteIds),
    );
  } else {
    layout = LISTED;
    const lengths = new Int32Array(data.vocabulary.length);
    let totalUnits = 0;
    for (let id = 0; id < data.vocabulary.length; id++) {
      lengths[id] = data.vocabulary[id]!.length;
      totalUnits += lengths[id]!;
    }
    const text = Buffer.from(data.vocabulary.join(""), "utf16le");
    if (text.length !== totalUnits * 2) throw new Error("vocabulary text length mismatch");
    sections.push(bytesOf(lengths), text, bytesOf(data.merges));
  }
  const header = Buffer.from(JSON.stringify(data.spec), "utf8");
  let size = 16 + pad4(header.length);
  for (const section of sections) size += 4 + pad4(section.length);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(COMPILED_FORMAT, 4);
  out.writeUInt32LE(header.length, 8);
  out.writeUInt32LE(layout, 12);
  header.copy(out, 16);
  let offset = 16 + pad4(header.length);
  for (const section of sections) {
    out.writeUInt32LE(section.length, offset);
    out.set(section, offset + 4);
    offset += 4 + pad4(section.length);
  }
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
    const layout = buffer.readUInt32LE(12);
    const spec = JSON.parse(
      buffer.toString("utf8", 16, 16 + headerLength),
    ) as CompiledTokenizerSpec;
    let offset = 16 + pad4(headerLength);
    /** The next section's bytes (a view into `buffer`). */
    const section = (): Buffer => {
      if (offset + 4 > buffer.length) throw new RangeError("truncated");
      const length = buffer.readUInt32LE(offset);
      const start = offset + 4;
      if (start + length > buffer.length) throw new RangeError("truncated");
      offset = start + pad4(length);
      return buffer.subarray(start, start + length);
    };
    if (layout === RANKED) {
      const kinds = section();
      const lengths = int32s(section());
      const starts = int32s(section());
      const text = uint16s(section());
      const rankBytes = section();
      const slots = int32s(section());
      const byteSlots = int32s(section());
      const byteIds = int32s(section());
      return {
        spec,
        ranks: RankTable.fromParts({
          kinds,
          lengths,
          starts,
          text,
          bytes: rankBytes,
          slots,
          byteSlots,
          byteIds,
        }),
      };
    }
    if (layout !== LISTED) return undefined;
    const lengths = int32s(section());
    const text = section().toString("utf16le");
    const vocabulary = new Array<string>(lengths.length);
    let position = 0;
    for (let id = 0; id < lengths.length; id++) {
      const length = lengths[id]!;
      vocabulary[id] = text.slice(position, position + length);
      position += length;
    }
    return { spec, vocabulary, merges: int32s(section()) };
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

function bytesOf(array: Int32Array | Uint16Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Little-endian int32s: a view of the file's bytes where they are aligned, else a copy. */
function int32s(bytes: Uint8Array): Int32Array {
  if (bytes.length % 4 !== 0) throw new RangeError("not int32s");
  if (bytes.byteOffset % 4 === 0)
    return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Little-endian uint16s: a view of the file's bytes where they are aligned, else a copy. */
function uint16s(bytes: Uint8Array): Uint16Array {
  if (bytes.length % 2 !== 0) throw new RangeError("not uint16s");
  if (bytes.byteOffset % 2 === 0)
    return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const out = new Uint16Array(bytes.length / 2);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function pad4(length: number): number {
  return (length + 3) & ~3;
}
