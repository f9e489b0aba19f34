/**
 * The provider the benchmark routes through: `@ratatoskr/provider-openai-compat`
 * when it implements the provider specification v1 (it exports
 * `openaiDescriptor`), else the bench package's own OpenAI-wire shim. Either
 * way the gateway side calls the same `openai` SDK as the direct side.
 */
import type { ProviderDescriptorV1, ProviderV1 } from "@ratatoskr/core";
import { createOpenAIWireShim } from "./openai-wire-shim.ts";

/** What the gateway registers, and what to call it in the printout. */
export interface BenchProvider {
  name: string;
  provider: ProviderV1;
  descriptor?: ProviderDescriptorV1<never>;
}

/** A key for the loopback server (it checks none). */
export const BENCH_KEY = "bench-loopback-key";

/** The first-party OpenAI-wire provider if it is on v1, else the shim, talking to `baseURL`. */
export async function benchProvider(baseURL: string): Promise<BenchProvider> {
  const specifier = "@ratatoskr/provider-openai-compat";
  let descriptor: ProviderDescriptorV1<Record<string, unknown>> | undefined;
  try {
    const module = (await import(specifier)) as Record<string, unknown>;
    const candidate = module.openaiDescriptor as ProviderDescriptorV1<Record<string, unknown>>;
    if (candidate?.specificationVersion === "v1") descriptor = candidate;
  } catch {
    // Not loadable here: the shim stands in.
  }
  if (descriptor === undefined) {
    return {
      name: "OpenAI-wire shim (tooling/gateway-bench)",
      provider: createOpenAIWireShim({ baseURL, apiKey: BENCH_KEY }),
    };
  }
  return {
    name: specifier,
    provider: await descriptor.create({ baseURL, apiKey: BENCH_KEY }),
    descriptor: descriptor as ProviderDescriptorV1<never>,
  };
}
