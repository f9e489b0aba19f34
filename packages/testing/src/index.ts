/**
 * @ratatoskr/testing: a scriptable mock provider, loopback HTTP servers and
 * an OpenAI-wire mock server.
 * Safe to import at runtime (no test runner is loaded); the provider
 * conformance suite, which needs vitest, is the `@ratatoskr/testing/conformance`
 * entry.
 *
 * @packageDocumentation
 */

export * from "./huge-response-server.ts";
export * from "./leak-probes.ts";
export * from "./loopback-server.ts";
export * from "./mock-provider.ts";
export * from "./openai-wire-mock-server.ts";
