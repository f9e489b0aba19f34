/**
 * @ratatoskr/server: the Ratatoskr daemon, `ratd`. One gateway (one set of
 * keys, one warm local model, one cache) shared by many processes over the
 * `ratatoskr.v1` gRPC protocol and the OpenAI-compatible HTTP API.
 *
 * @packageDocumentation
 */
export * from "./defaults.ts";
export * from "./openai-http/index.ts";
export * from "./service/call-gate.ts";
export * from "./service/ratatoskr-service.ts";
export * from "./service/rpc-errors.ts";
export * from "./service/served-gateway.ts";
