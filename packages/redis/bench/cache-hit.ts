/**
 * An embedding answered from the response cache in Redis, against the same
 * embedding sent upstream, interleaved call by call in one process: the
 * reference is a gateway without a cache whose `embed` goes to a loopback
 * Ollama-wire server (`POST /api/embed`, a 384-dimension vector, as
 * all-MiniLM-L6-v2 returns); the candidates are the same gateway with
 * `.cache()` over a real `redis-server` (and, for scale, over the in-memory
 * store), every text already cached. The loopback upstream answers at once,
 * so the ratio is the least the cache can win: a real provider's embedding
 * takes tens of milliseconds more. Prints ratios; asserts nothing.
 *
 * Usage: npx -y pnpm@12.4.2 --filter @ratatoskr/redis bench
 *   (ROUNDS=… ITERATIONS=… to change the amount of work)
 */
import { compare, printComparison } from "@ratatoskr/bench";
import { MemoryCacheStore, Ratatoskr } from "@ratatoskr/gateway";
import { createOllama } from "@ratatoskr/provider-ollama";
import { startLoopbackServer } from "@ratatoskr/testing";
import { startRedisServer } from "@ratatoskr/testing/servers";
import { createRedisCacheStore } from "../src/index.ts";

const rounds = Number(process.env.ROUNDS ?? 5);
const iterations = Number(process.env.ITERATIONS ?? 300);
const DIMENSIONS = 384;
const MODEL = "ollama:all-minilm";

/** A deterministic 384-value vector for `text`. */
function vectorOf(text: string): number[] {
  let state = 2166136261;
  for (const char of text) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  return Array.from({ length: DIMENSIONS }, (_, index) => {
    state = Math.imul(state ^ index, 2246822519) >>> 0;
    return state / 4294967296 - 0.5;
  });
}

let upstreamCalls = 0;
const upstream = await startLoopbackServer(
  (_request, response, text) => {
    upstreamCalls++;
    const { input, model } = JSON.parse(text) as { input: string | string[]; model: string };
    const inputs = typeof input === "string" ? [input] : input;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ model, embeddings: inputs.map(vectorOf), prompt_eval_count: inputs.length }),
    );
  },
  { record: false },
);
const redis = await startRedisServer();
const provider = () => createOllama({ baseURL: upstream.url });
const redisStore = createRedisCacheStore({ url: redis.url, keyPrefix: "bench:" });

const uncached = await Ratatoskr.builder().use(provider()).build();
const viaRedis = await Ratatoskr.builder().use(provider()).cache({ store: redisStore }).build();
const viaMemory = await Ratatoskr.builder()
  .use(provider())
  .cache({ store: new MemoryCacheStore() })
  .build();

const texts = Array.from({ length: 100 }, (_, index) => `note ${index}: the ash tree Yggdrasil`);
for (const text of texts) {
  const fromUpstream = await uncached.embed(text, MODEL);
  const [redisAnswer, memoryAnswer] = [
    await viaRedis.embed(text, MODEL),
    await viaMemory.embed(text, MODEL),
  ];
  if (
    JSON.stringify(redisAnswer.values) !== JSON.stringify(fromUpstream.values) ||
    JSON.stringify(memoryAnswer.values) !== JSON.stringify(fromUpstream.values)
  ) {
    throw new Error(`the cached answer for ${JSON.stringify(text)} differs from upstream's`);
  }
}
const callsBefore = upstreamCalls;

let next = 0;
const text = () => texts[next++ % texts.length]!;
const redisHit = await compare(
  { name: "upstream embed", run: () => uncached.embed(text(), MODEL) },
  { name: "Redis cache hit", run: () => viaRedis.embed(text(), MODEL) },
  { rounds, iterations, warmup: 100 },
);
printComparison("embed: a hit in the Redis cache vs the loopback upstream call", redisHit);
const memoryHit = await compare(
  { name: "upstream embed", run: () => uncached.embed(text(), MODEL) },
  { name: "memory cache hit", run: () => viaMemory.embed(text(), MODEL) },
  { rounds, iterations, warmup: 100 },
);
printComparison("embed: a hit in the memory cache vs the loopback upstream call", memoryHit);
// Only the uncached side went upstream: every cached call was a hit.
const expectedCalls = 2 * (100 + rounds * iterations);
if (upstreamCalls - callsBefore !== expectedCalls) {
  throw new Error(
    `expected ${expectedCalls} upstream calls (the uncached side's), saw ${upstreamCalls - callsBefore}`,
  );
}
console.log(
  `\nNode ${process.version}, ${rounds}×${iterations} calls per side; ${DIMENSIONS}-dimension vectors; ` +
    `every cached answer checked equal to upstream's; the cached sides sent nothing upstream ` +
    `(${expectedCalls} upstream calls, all the uncached side's).`,
);

await Promise.all([uncached.dispose(), viaRedis.dispose(), viaMemory.dispose()]);
await redisStore.close?.();
await upstream.close();
await redis.stop();
