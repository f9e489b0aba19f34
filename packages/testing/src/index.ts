/**
 * @ratatoskr/testing: a scriptable mock provider and the provider
 * conformance suite that every provider package runs.
 *
 * @packageDocumentation
 */
export * from "./conformance.ts";
export * from "./loopback-server.ts";
export * from "./mock-provider.ts";
