/**
 * A protobuf encoder written from the wire-format specification alone
 * (https://protobuf.dev/programming-guides/encoding/), independent of
 * @bufbuild/protobuf: each helper writes one field as tag = field_number << 3
 * | wire_type, then the value. The golden-bytes tests build messages with the
 * original protocol's field numbers through it.
 */

/** Wire types. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** Encoded bytes, as plain numbers. */
export type Bytes = number[];

/** An unsigned LEB128 varint. */
export function varint(value: number | bigint): Bytes {
  let rest = BigInt(value);
  if (rest < 0n) rest += 1n << 64n; // negative int32/int64/enum values: two's complement, 10 bytes
  const bytes: Bytes = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return bytes;
}

/** A field's tag. */
export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

/** uint32, uint64, int32, enum fields. */
export function uint(field: number, value: number | bigint): Bytes {
  return [...tag(field, VARINT), ...varint(value)];
}

/** sint32, sint64 fields: ZigZag-encoded (n << 1 for n ≥ 0, -2n − 1 for n < 0). */
export function sint(field: number, value: number | bigint): Bytes {
  const n = BigInt(value);
  return uint(field, n >= 0n ? n << 1n : -2n * n - 1n);
}

/** A bool field. */
export function bool(field: number, value: boolean): Bytes {
  return uint(field, value ? 1 : 0);
}

/** A length-delimited field around `body`. */
function delimited(field: number, body: Bytes): Bytes {
  return [...tag(field, LEN), ...varint(body.length), ...body];
}

/** A string field (UTF-8). */
export function string(field: number, text: string): Bytes {
  return delimited(field, [...new TextEncoder().encode(text)]);
}

/** An embedded message field, from its encoded fields. */
export function message(field: number, ...fields: Bytes[]): Bytes {
  return delimited(field, fields.flat());
}

function float32(value: number): Bytes {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

function float64(value: number): Bytes {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

/** A float field (fixed 32 bits, little-endian). */
export function float(field: number, value: number): Bytes {
  return [...tag(field, I32), ...float32(value)];
}

/** A double field (fixed 64 bits, little-endian). */
export function double(field: number, value: number): Bytes {
  return [...tag(field, I64), ...float64(value)];
}

/** A packed repeated float field (proto3's default for repeated scalars). */
export function packedFloats(field: number, values: number[]): Bytes {
  return delimited(field, values.flatMap(float32));
}

/** A packed repeated varint field (enums, uint32). */
export function packedVarints(field: number, values: number[]): Bytes {
  return delimited(
    field,
    values.flatMap((value) => varint(value)),
  );
}

/** One map entry: key = 1, value = 2. */
export function mapEntry(field: number, key: Bytes, value: Bytes): Bytes {
  return message(field, key, value);
}

/** The bytes of a whole message. */
export function bytes(...fields: Bytes[]): Uint8Array {
  return Uint8Array.from(fields.flat());
}
