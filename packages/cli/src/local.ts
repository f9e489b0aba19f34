/**
 * Embedded mode: a gateway in this process, from every provider the
 * environment configures (`loadConfiguredProviders`), or from the mock
 * provider (`--mock`, for demos and tests).
 */
import { type Gateway, loadConfiguredProviders, Ratatoskr } from "@ratatoskr/gateway";
import type { MockListedModel } from "@ratatoskr/testing";
import type { CreateLocalOptions, LocalGateway } from "./cli-types.ts";

/** The models the `--mock` provider lists. */
export const MOCK_MODELS: readonly MockListedModel[] = [
  { id: "demo-chat", capabilities: ["Chat", "ChatStreaming", "Generate", "TokenCounting"] },
  { id: "demo-embed", capabilities: ["Embed"] },
  { id: "demo-nli", capabilities: ["Nli", "Classify", "Stance"] },
];

/** What a local gateway's `health()` answers. */
export interface LocalHealth {
  /** Always `"local"`: an embedded gateway. */
  mode: "local";
  /** The providers registered, in routing order. */
  providers: readonly {
    /** The provider's id. */
    id: string;
    /** How it loaded (`ready`, `failed`, `missing-package`). */
    state: string;
    /** What happened, or what is missing. */
    detail: string;
  }[];
}

/** Add `health()` (what was configured) to an embedded gateway. */
function withHealth(gateway: Gateway, providers: LocalHealth["providers"]): LocalGateway {
  return Object.assign(gateway, {
    async health(): Promise<LocalHealth> {
      return { mode: "local", providers };
    },
  });
}

/**
 * Build the embedded gateway: the mock provider with `options.mock`, else
 * every provider `env` configures. Providers that failed to load are
 * reported through `options.notice`.
 */
export async function createLocalGateway(
  env: Readonly<Record<string, string | undefined>>,
  options: CreateLocalOptions,
): Promise<LocalGateway> {
  if (options.mock) {
    const { createMockProvider } = await import("@ratatoskr/testing");
    const mock = createMockProvider({ models: { list: MOCK_MODELS } });
    const gateway = await Ratatoskr.builder().use(mock).build();
    return withHealth(gateway, [{ id: mock.id, state: "ready", detail: "mock provider (--mock)" }]);
  }
  const { providers, report } = await loadConfiguredProviders(env);
  for (const entry of report) {
    if (entry.state === "failed" || entry.state === "missing-package")
      options.notice?.(`provider ${entry.id}: ${entry.detail}`);
  }
  const builder = Ratatoskr.builder();
  for (const loaded of providers) builder.use(loaded);
  const gateway = await builder.build();
  return withHealth(
    gateway,
    report
      .filter((entry) => entry.state !== "not-configured")
      .map((entry) => ({ id: entry.id, state: entry.state, detail: entry.detail })),
  );
}
