/**
 * A small helper over `onnx-proto` for writing ONNX graphs by hand: typed
 * inputs/outputs with symbolic (dynamic) dimensions, initializers from typed
 * arrays, and nodes with attributes.
 */
import { createRequire } from "node:module";
import type * as OnnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

const requireHere = createRequire(import.meta.url);
const requireBesideOnnxProto = createRequire(requireHere.resolve("onnx-proto"));

/**
 * protobufjs 6 (onnx-proto's runtime) finds `long` with a `require` of its
 * own, from wherever the install hoisted it. Where that is long 5 and the
 * resolver prefers the `import` condition (vitest's does), it gets long's
 * ES module namespace, whose `fromBits` is on `default`, and onnx-proto
 * fails as it loads (`$util.Long.fromBits is not a function`). Hand
 * protobufjs the class itself before onnx-proto loads.
 */
function configureProtobufLong(): void {
  const protobuf = requireBesideOnnxProto("protobufjs/minimal") as {
    util: { Long: unknown };
    configure(): void;
  };
  const long = protobuf.util.Long as { fromBits?: unknown; default?: { fromBits?: unknown } };
  if (long && typeof long.fromBits !== "function" && typeof long.default?.fromBits === "function") {
    protobuf.util.Long = long.default;
    protobuf.configure();
  }
}

configureProtobufLong();
// onnx-proto is CommonJS (`module.exports = $root`).
const onnx = (requireHere("onnx-proto") as typeof OnnxProto).onnx;

/** ONNX element types used here (TensorProto.DataType). */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** A dimension: a fixed size, or a symbolic name (dynamic axis). */
export type Dimension = number | string;

/** An attribute value for {@link GraphBuilder.node}: numbers are INT(S); `{ float }` is a FLOAT. */
export type AttributeValue = number | number[] | string | { float: number };

/** Builds one ONNX graph, then a serialised model. */
export class GraphBuilder {
  readonly #nodes: OnnxTypes.INodeProto[] = [];
  readonly #initializers: OnnxTypes.ITensorProto[] = [];
  readonly #inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #outputs: OnnxTypes.IValueInfoProto[] = [];
  #counter = 0;

  /** Declare a graph input. */
  input(name: string, dataType: number, shape: Dimension[]): string {
    this.#inputs.push(valueInfo(name, dataType, shape));
    return name;
  }

  /** Declare a graph output (produced by some node under the same name). */
  output(name: string, dataType: number, shape: Dimension[]): string {
    this.#outputs.push(valueInfo(name, dataType, shape));
    return name;
  }

  /** A float initializer. */
  floats(name: string, dims: number[], values: Float32Array): string {
    this.#initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  /**
   * A float initializer stored outside the model, in `location` (relative to
   * the model file) at `offset`; the caller writes the bytes there.
   */
  externalFloats(
    name: string,
    dims: number[],
    location: string,
    offset: number,
    byteLength: number,
  ): string {
    this.#initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: "location", value: location },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(byteLength) },
      ],
    });
    return name;
  }

  /** An int64 initializer (`dims` [] for a scalar). */
  int64s(name: string, dims: number[], values: number[]): string {
    const data = new BigInt64Array(values.map((value) => BigInt(value)));
    this.#initializers.push({
      name,
      dims,
      dataType: DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Add a node; returns its (first) output name. */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const name = output ?? `${opType.toLowerCase()}_${this.#counter++}`;
    this.#nodes.push({
      opType,
      name: `${name}_node`,
      input: inputs,
      output: [name],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return name;
  }

  /** Serialise the model (IR 8, opset 17). */
  encode(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "@ratatoskr/onnx-test-models",
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        name: graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, shape: Dimension[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: shape.map((dimension) =>
            typeof dimension === "number" ? { dimValue: dimension } : { dimParam: dimension },
          ),
        },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === "string") {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === "object") return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INT, i: value };
}
