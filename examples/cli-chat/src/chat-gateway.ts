/**
 * The gateway the chat talks to: by default the scripted model on a
 * loopback server (no key, no network); with `--model`, the real providers
 * configured in the environment.
 */

import {
  loadConfiguredProviders,
  type ModelGateway,
  Ratatoskr,
  RatatoskrError,
} from "@ratatoskr/gateway";
import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import {
  type ScriptedModelServerOptions,
  startScriptedModelServer,
} from "./scripted-model-server.ts";

/** The default model: the scripted one, through the `scripted` provider. */
export const SCRIPTED_MODEL = "scripted:agent-1";

/** The providers `--model` may use: the ones whose packages this example depends on. */
export const REAL_PROVIDERS = ["openai", "openrouter", "anthropic"] as const;

/** A gateway and how to shut it down. */
export interface ChatGateway {
  gateway: ModelGateway;
  /** A line saying what answers (for the banner). */
  description: string;
  close(): Promise<void>;
}

/** The scripted model behind the real gateway and the real OpenAI-compatible provider. */
export async function scriptedGateway(
  options: ScriptedModelServerOptions = {},
): Promise<ChatGateway> {
  const server = await startScriptedModelServer(options);
  const gateway = await Ratatoskr.builder()
    .use(createOpenAICompatible({ id: "scripted", baseURL: server.url }))
    .build();
  return {
    gateway,
    description: `scripted model on a loopback server at ${server.url} (no key, no network)`,
    close: async () => {
      await gateway.dispose();
      await server.close();
    },
  };
}

/** The providers configured in `env` (`OPENAI_API_KEY`, `OPENROUTER_API_KEY`, `ANTHROPIC_API_KEY`). */
export async function configuredGateway(
  env: Readonly<Record<string, string | undefined>>,
): Promise<ChatGateway> {
  const { providers, report } = await loadConfiguredProviders(env, { only: [...REAL_PROVIDERS] });
  if (providers.length === 0) {
    throw new RatatoskrError({
      code: "no_provider",
      message: `--model needs a provider key: set one of OPENAI_API_KEY, OPENROUTER_API_KEY, ANTHROPIC_API_KEY (${report.map((entry) => `${entry.id}: ${entry.detail}`).join("; ")})`,
    });
  }
  const builder = Ratatoskr.builder();
  for (const loaded of providers) builder.use(loaded);
  const gateway = await builder.build();
  const ready = report.filter((entry) => entry.state === "ready").map((entry) => entry.id);
  return {
    gateway,
    description: `configured providers: ${ready.join(", ")}`,
    close: () => gateway.dispose(),
  };
}
