/**
 * @ratatoskr/server: the Ratatoskr daemon, `ratd`. One gateway (one set of
 * keys, one warm local model, one cache) shared by many processes over the
 * `ratatoskr.v1` gRPC protocol and the OpenAI-compatible HTTP API.
 *
 * @packageDocumentation
 */
export * from "./bin/ratd-cli.ts";
export * from "./config/index.ts";
export * from "./daemon/bearer-auth.ts";
export * from "./daemon/call-limiter.ts";
export * from "./daemon/client-identity.ts";
export * from "./daemon/grpc-health.ts";
export * from "./daemon/listen-address.ts";
export * from "./daemon/start-ratd.ts";
export * from "./daemon/stream-deadlines.ts";
export * from "./defaults.ts";
export * from "./openai-http/index.ts";
export * from "./service/call-gate.ts";
export * from "./service/ratatoskr-service.ts";
export * from "./service/rpc-errors.ts";
export * from "./service/served-gateway.ts";
export * from "./telemetry/index.ts";
