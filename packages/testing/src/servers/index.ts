/**
 * `@ratatoskr/testing/servers`: real servers spawned for tests (node only).
 * Today `startRedisServer()`: a `redis-server` on a free loopback port,
 * without persistence, that a test can kill and restart on the same port.
 *
 * @packageDocumentation
 */
export * from "./redis-server.ts";
