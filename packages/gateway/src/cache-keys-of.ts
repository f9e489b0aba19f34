/**
 * What decides each cached answer besides its kind, provider and provider
 * model: the input and the options that change the result — the target's
 * own `providerOptions` entry (never another provider's), and the calls'
 * own settings. Reliability options never take part.
 */
import type { CallOptions, CountTokensOptions, NliPair } from "@ratatoskr/core";
import type { CallTarget } from "./call-runner.ts";
import { ownProviderOptions } from "./provider-requests.ts";
import type { CacheKeyMaterial } from "./response-cache.ts";

/** One text to embed. */
export function embedKey(
  text: string,
  options: CallOptions | undefined,
  target: CallTarget,
): CacheKeyMaterial {
  return {
    input: text,
    options: { providerOptions: ownProviderOptions(options?.providerOptions, target.provider) },
  };
}

/** One NLI pair. */
export function nliKey(
  pair: NliPair,
  options: CallOptions | undefined,
  target: CallTarget,
): CacheKeyMaterial {
  return {
    input: { premise: pair.premise, hypothesis: pair.hypothesis },
    options: { providerOptions: ownProviderOptions(options?.providerOptions, target.provider) },
  };
}

/** One text to count or tokenize (`allowApproximate` changes the answer). */
export function tokenCountingKey(
  text: string,
  options: CountTokensOptions | undefined,
  target: CallTarget,
): CacheKeyMaterial {
  return {
    input: text,
    options: {
      allowApproximate: options?.allowApproximate,
      providerOptions: ownProviderOptions(options?.providerOptions, target.provider),
    },
  };
}
