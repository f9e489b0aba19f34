/** Sends a generated message through its binary encoding and back, as the wire would. */
import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";

/** `message` encoded to bytes and decoded again. */
export function throughWire<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): MessageShape<Desc> {
  return fromBinary(schema, toBinary(schema, message));
}
