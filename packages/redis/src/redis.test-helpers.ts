/**
 * Test support: one real `redis-server` per test file, clean-ups run after
 * each test, and a fresh key prefix per test so tests on the one server do
 * not see each other's keys.
 */
import { type RedisTestServer, startRedisServer } from "@ratatoskr/testing/servers";
import { afterAll, afterEach, beforeAll } from "vitest";

/** What {@link useRedisServer} gives a test file. */
export interface RedisTestContext {
  /** The file's server (started before the first test). */
  server(): RedisTestServer;
  /** Run `cleanup` after the current test. */
  afterTest(cleanup: () => Promise<unknown>): void;
  /** A key prefix no other test of this file uses: `<tag><n>:`. */
  nextPrefix(): string;
}

/** Start a `redis-server` for this file and clean up after each test; `tag` starts every prefix. */
export function useRedisServer(tag: string): RedisTestContext {
  let redis: RedisTestServer | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  let prefixes = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  afterAll(() => redis?.stop());
  return {
    server: () => {
      if (redis === undefined) throw new Error("the redis-server is not started yet");
      return redis;
    },
    afterTest: (cleanup) => void cleanups.push(cleanup),
    nextPrefix: () => `${tag}${++prefixes}:`,
  };
}
