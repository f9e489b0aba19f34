/**
 * What every endpoint receives: the gateway, the parsed body, the signal
 * that aborts when the client goes away, and the response to write.
 */
import type { ServerResponse } from "node:http";
import type { ModelGateway } from "@ratatoskr/core";

/** One request to serve. */
export interface EndpointCall {
  readonly gateway: ModelGateway;
  /** The JSON body (undefined for `GET`). */
  readonly body: unknown;
  /** Aborts when the client disconnects before the answer is complete. */
  readonly signal: AbortSignal;
  readonly response: ServerResponse;
}

/** An endpoint: serves one call, or throws (the handler answers with the error). */
export type Endpoint = (call: EndpointCall) => Promise<void>;
