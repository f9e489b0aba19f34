/**
 * The provider the benchmark routes through: the first-party direct OpenAI
 * provider of `@ratatoskr/provider-openai-compat` (`openaiDescriptor`, on
 * the same `openai` SDK as the direct side), pointed at the loopback server.
 */
import type { ProviderWithDescriptor } from "@ratatoskr/gateway";
import { openaiDescriptor } from "@ratatoskr/provider-openai-compat";

/** What the gateway registers (`builder.use(it)`), and what to call it in the printout. */
export interface BenchProvider extends ProviderWithDescriptor {
  readonly name: string;
}

/** A key for the loopback server (it checks none). */
export const BENCH_KEY = "bench-loopback-key";

/**
 * The model both sides ask for: an OpenAI model id, so that the gateway
 * routes it by `openaiDescriptor`'s routing hints, as in production.
 */
export const BENCH_MODEL = "gpt-4o-mini";

/** The first-party OpenAI provider, talking to `baseURL`. */
export async function benchProvider(baseURL: string): Promise<BenchProvider> {
  return {
    name: `${openaiDescriptor.packageName} (${openaiDescriptor.id})`,
    descriptor: openaiDescriptor,
    provider: await openaiDescriptor.create({ baseURL, apiKey: BENCH_KEY }),
  };
}
