/**
 * The registry's record of a model, wherever the gateway is: the embedded
 * gateway's registry (synchronous), or the daemon's over the
 * `GetModelMetadata` RPC in remote mode (where `modelMetadata` knows only
 * what was fetched before).
 */
import type { ModelMetadata } from "@ratatoskr/core";
import type { PlaygroundModelGateway } from "../build-playground-gateway.ts";

/** The gateway methods a registry lookup uses. */
export type RecordGateway = Pick<PlaygroundModelGateway, "modelMetadata" | "getModelMetadata">;

/** The registry's record of `model`, or undefined when nothing is known (or the lookup failed). */
export async function registryRecord(
  gateway: RecordGateway,
  model: string,
): Promise<ModelMetadata | undefined> {
  try {
    if (gateway.getModelMetadata !== undefined) return await gateway.getModelMetadata(model);
    return gateway.modelMetadata(model);
  } catch {
    return undefined; // A model string the registry cannot read has no record.
  }
}
