/**
 * Lists the external-data files an ONNX model references, by walking its
 * protobuf encoding (no schema library needed at runtime). Tensors stored
 * outside the model file name a `location` relative to the model's
 * directory; the provider checks those paths before onnxruntime opens them.
 *
 * @see https://onnx.ai/onnx/repo-docs/ExternalData.html
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (field numbers)
 */

interface Field {
  number: number;
  wireType: number;
  /** For wire type 2: the payload bytes. */
  bytes?: Uint8Array;
}

function* fields(buffer: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= buffer.length) throw new Error("truncated varint");
      const byte = buffer[offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error("varint too long");
    }
  };
  while (offset < buffer.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    switch (wireType) {
      case 0:
        varint();
        yield { number, wireType };
        break;
      case 1:
        offset += 8;
        yield { number, wireType };
        break;
      case 2: {
        const length = varint();
        if (offset + length > buffer.length) throw new Error("truncated field");
        const bytes = buffer.subarray(offset, offset + length);
        offset += length;
        yield { number, wireType, bytes };
        break;
      }
      case 5:
        offset += 4;
        yield { number, wireType };
        break;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

const decoder = new TextDecoder();

function tensorLocations(tensor: Uint8Array, out: Set<string>): void {
  for (const field of fields(tensor)) {
    // TensorProto.external_data = 13 (StringStringEntryProto: key = 1, value = 2)
    if (field.number === 13 && field.bytes) {
      let key = "";
      let value = "";
      for (const entry of fields(field.bytes)) {
        if (entry.number === 1 && entry.bytes) key = decoder.decode(entry.bytes);
        if (entry.number === 2 && entry.bytes) value = decoder.decode(entry.bytes);
      }
      if (key === "location") out.add(value);
    }
  }
}

function sparseLocations(sparse: Uint8Array, out: Set<string>): void {
  // SparseTensorProto.values = 1, indices = 2 (TensorProto)
  for (const field of fields(sparse)) {
    if ((field.number === 1 || field.number === 2) && field.bytes)
      tensorLocations(field.bytes, out);
  }
}

function graphLocations(graph: Uint8Array, out: Set<string>, depth: number): void {
  if (depth > 64) throw new Error("graphs nested too deeply");
  for (const field of fields(graph)) {
    if (!field.bytes) continue;
    if (field.number === 5)
      tensorLocations(field.bytes, out); // initializer
    else if (field.number === 15)
      sparseLocations(field.bytes, out); // sparse_initializer
    else if (field.number === 1) {
      // node → attribute = 5
      for (const nodeField of fields(field.bytes)) {
        if (nodeField.number !== 5 || !nodeField.bytes) continue;
        for (const attribute of fields(nodeField.bytes)) {
          if (!attribute.bytes) continue;
          if (attribute.number === 5 || attribute.number === 10)
            tensorLocations(attribute.bytes, out); // t, tensors
          else if (attribute.number === 6 || attribute.number === 11)
            graphLocations(attribute.bytes, out, depth + 1); // g, graphs
          else if (attribute.number === 22 || attribute.number === 23)
            sparseLocations(attribute.bytes, out); // sparse_tensor(s)
        }
      }
    }
  }
}

/**
 * The `location` of every external-data reference in an ONNX model
 * (initializers, sparse initializers, constant attributes, subgraphs).
 * Throws when the bytes are not a well-formed protobuf.
 */
export function externalDataLocations(model: Uint8Array): string[] {
  const out = new Set<string>();
  for (const field of fields(model)) {
    // ModelProto.graph = 7
    if (field.number === 7 && field.bytes) graphLocations(field.bytes, out, 0);
  }
  return [...out];
}
