/**
 * @ratatoskr/protocol: the ratatoskr.v1 gRPC protocol. The generated
 * Protobuf-ES code (the `Ratatoskr` service descriptor, every message
 * schema and type, every enum) and the mappings between Ratatoskr's
 * TypeScript types and the wire messages, for the daemon and its clients.
 *
 * @packageDocumentation
 */
export * from "./call-settings-mapping.ts";
export * from "./chat-event-decoder.ts";
export * from "./chat-event-encoder.ts";
export * from "./chat-request-mapping.ts";
export * from "./chat-response-mapping.ts";
export * from "./connect-error.ts";
export * from "./context-fit-mapping.ts";
export * from "./error-status.ts";
export * from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
export * from "./generate-event-mapping.ts";
export * from "./generate-mapping.ts";
export * from "./inference-mapping.ts";
export * from "./message-mapping.ts";
export * from "./model-intelligence-mapping.ts";
export * from "./protocol-revision.ts";
export * from "./route-mapping.ts";
export * from "./service-info-mapping.ts";
export * from "./stream-finish-mapping.ts";
export * from "./token-offsets.ts";
export * from "./usage-mapping.ts";
export * from "./warning-mapping.ts";
