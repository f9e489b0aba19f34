/**
 * @ratatoskr/testing: a scriptable mock provider, loopback HTTP servers (a
 * huge-body server for bounded-read tests included), an OpenAI-wire mock
 * server, and the "key appears nowhere" check
 * (`expectNoSecret`, a key-echoing server, a script runner that captures output).
 * Safe to import at runtime (no test runner is loaded); the provider
 * conformance suite, which needs vitest, is the `@ratatoskr/testing/conformance`
 * entry, and real servers spawned for tests (`startRedisServer`) are the
 * node-only `@ratatoskr/testing/servers` entry.
 *
 * @packageDocumentation
 */

export * from "./chat-request-for.ts";
export * from "./every-chat-option.ts";
export * from "./exchange-recorder.ts";
export * from "./expect-base-url-rejected.ts";
export * from "./expect-no-secret.ts";
export * from "./huge-response-server.ts";
export * from "./key-echo-server.ts";
export * from "./leak-probes.ts";
export * from "./loopback-server.ts";
export * from "./mock-model-catalog.ts";
export * from "./mock-provider.ts";
export * from "./openai-wire-mock-server.ts";
export * from "./run-node-script.ts";
