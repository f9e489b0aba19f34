/**
 * @ratatoskr/testing: a scriptable mock provider and loopback HTTP servers.
 * Safe to import at runtime (no test runner is loaded); the provider
 * conformance suite, which needs vitest, is the `@ratatoskr/testing/conformance`
 * entry.
 *
 * @packageDocumentation
 */
export * from "./loopback-server.ts";
export * from "./mock-provider.ts";
