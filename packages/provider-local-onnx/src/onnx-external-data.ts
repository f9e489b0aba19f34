/**
 * Lists the external-data files an ONNX model references, by walking its
 * protobuf encoding (no schema library needed at runtime). Tensors stored
 * outside the model file name a `location` relative to the model's
 * directory; the provider checks those paths before onnxruntime opens them.
 *
 * The walk reads only the message structure: tensor payloads (`raw_data`,
 * often hundreds of megabytes) are skipped by offset, so a model file is
 * scanned without loading it into memory.
 *
 * @see https://onnx.ai/onnx/repo-docs/ExternalData.html
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (field numbers)
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Random access to the bytes of a protobuf message. */
interface ByteSource {
  readonly length: number;
  byte(offset: number): number;
  bytes(start: number, end: number): Uint8Array;
}

function memorySource(buffer: Uint8Array): ByteSource {
  return {
    length: buffer.length,
    byte: (offset) => buffer[offset]!,
    bytes: (start, end) => buffer.subarray(start, end),
  };
}

const BLOCK = 64 * 1024;

/** A file read in 64 KiB blocks on demand (the last block is kept). */
function fileSource(descriptor: number): ByteSource {
  const length = fstatSync(descriptor).size;
  const block = Buffer.alloc(BLOCK);
  let blockStart = -1;
  let blockLength = 0;
  const load = (offset: number) => {
    blockStart = offset - (offset % BLOCK);
    blockLength = readSync(descriptor, block, 0, BLOCK, blockStart);
  };
  return {
    length,
    byte(offset) {
      if (offset < blockStart || offset >= blockStart + blockLength) load(offset);
      if (offset - blockStart >= blockLength) throw new Error("read past the end of the file");
      return block[offset - blockStart]!;
    },
    bytes(start, end) {
      const out = Buffer.alloc(end - start);
      const read = readSync(descriptor, out, 0, out.length, start);
      if (read !== out.length) throw new Error("truncated field");
      return out;
    },
  };
}

interface Field {
  number: number;
  wireType: number;
  /** For wire type 2: the payload's byte range. */
  start: number;
  end: number;
}

function* fields(source: ByteSource, start: number, end: number): Generator<Field> {
  let offset = start;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= end) throw new Error("truncated varint");
      const byte = source.byte(offset++);
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error("varint too long");
    }
  };
  while (offset < end) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    switch (wireType) {
      case 0:
        varint();
        yield { number, wireType, start: offset, end: offset };
        break;
      case 1:
        offset += 8;
        yield { number, wireType, start: offset, end: offset };
        break;
      case 2: {
        const length = varint();
        if (offset + length > end) throw new Error("truncated field");
        const field = { number, wireType, start: offset, end: offset + length };
        offset += length;
        yield field;
        break;
      }
      case 5:
        offset += 4;
        yield { number, wireType, start: offset, end: offset };
        break;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
    if (offset > end) throw new Error("truncated field");
  }
}

const decoder = new TextDecoder();

function tensorLocations(source: ByteSource, tensor: Field, out: Set<string>): void {
  for (const field of fields(source, tensor.start, tensor.end)) {
    // TensorProto.external_data = 13 (StringStringEntryProto: key = 1, value = 2)
    if (field.number === 13 && field.wireType === 2) {
      let key = "";
      let value = "";
      for (const entry of fields(source, field.start, field.end)) {
        if (entry.wireType !== 2) continue;
        if (entry.number === 1) key = decoder.decode(source.bytes(entry.start, entry.end));
        if (entry.number === 2) value = decoder.decode(source.bytes(entry.start, entry.end));
      }
      if (key === "location") out.add(value);
    }
  }
}

function sparseLocations(source: ByteSource, sparse: Field, out: Set<string>): void {
  // SparseTensorProto.values = 1, indices = 2 (TensorProto)
  for (const field of fields(source, sparse.start, sparse.end)) {
    if ((field.number === 1 || field.number === 2) && field.wireType === 2)
      tensorLocations(source, field, out);
  }
}

function graphLocations(source: ByteSource, graph: Field, out: Set<string>, depth: number): void {
  if (depth > 64) throw new Error("graphs nested too deeply");
  for (const field of fields(source, graph.start, graph.end)) {
    if (field.wireType !== 2) continue;
    if (field.number === 5)
      tensorLocations(source, field, out); // initializer
    else if (field.number === 15)
      sparseLocations(source, field, out); // sparse_initializer
    else if (field.number === 1) {
      // node → attribute = 5
      for (const nodeField of fields(source, field.start, field.end)) {
        if (nodeField.number !== 5 || nodeField.wireType !== 2) continue;
        for (const attribute of fields(source, nodeField.start, nodeField.end)) {
          if (attribute.wireType !== 2) continue;
          if (attribute.number === 5 || attribute.number === 10)
            tensorLocations(source, attribute, out); // t, tensors
          else if (attribute.number === 6 || attribute.number === 11)
            graphLocations(source, attribute, out, depth + 1); // g, graphs
          else if (attribute.number === 22 || attribute.number === 23)
            sparseLocations(source, attribute, out); // sparse_tensor(s)
        }
      }
    }
  }
}

function scan(source: ByteSource): string[] {
  const out = new Set<string>();
  for (const field of fields(source, 0, source.length)) {
    // ModelProto.graph = 7
    if (field.number === 7 && field.wireType === 2) graphLocations(source, field, out, 0);
  }
  return [...out];
}

/**
 * The `location` of every external-data reference in an ONNX model
 * (initializers, sparse initializers, constant attributes, subgraphs).
 * Throws when the bytes are not a well-formed protobuf.
 */
export function externalDataLocations(model: Uint8Array): string[] {
  return scan(memorySource(model));
}

/** {@link externalDataLocations} of a model file, reading only its structure (payloads are skipped). */
export function externalDataLocationsOfFile(path: string): string[] {
  const descriptor = openSync(path, "r");
  try {
    return scan(fileSource(descriptor));
  } finally {
    closeSync(descriptor);
  }
}
