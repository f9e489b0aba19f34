/**
 * Capabilities: what a provider (or the composed gateway) can do.
 */

/**
 * A routable capability. `chat` covers `chat` and `chatStream`, `embed`
 * covers `embed` and `embedBatch`, `nli` covers `inferNli` and
 * `inferNliBatch`, `generate` covers `generate` and `generateStream`.
 */
export type Capability = "chat" | "generate" | "embed" | "nli" | "classify" | "countTokens";

/** Every {@link Capability}. */
export const CAPABILITIES: readonly Capability[] = [
  "chat",
  "generate",
  "embed",
  "nli",
  "classify",
  "countTokens",
];

/** What can be done, as flags (the original design's `Capabilities`). */
export interface Capabilities {
  /** `chat` is served. */
  chat: boolean;
  /** `chatStream` is served. */
  chatStreaming: boolean;
  /** `generate` and `generateStream` are served. */
  generate: boolean;
  /** Chat takes tools. */
  toolUse: boolean;
  /** `embed` and `embedBatch` are served. */
  embeddings: boolean;
  /** `inferNli` and `inferNliBatch` are served. */
  nli: boolean;
  /** `classifyZeroShot` (and `classifyStance`) are served. */
  classification: boolean;
  /** `countTokens` is served. */
  tokenCounting: boolean;
  /** Some inference runs on this machine. */
  localInference: boolean;
  /** Which providers serve each capability, in routing priority order. */
  providers: Record<Capability, string[]>;
}

function emptyProviders(): Record<Capability, string[]> {
  return { chat: [], generate: [], embed: [], nli: [], classify: [], countTokens: [] };
}

/** Presets and the field-wise merge of {@link Capabilities}. */
export const Capabilities = {
  /** Nothing. */
  none(): Capabilities {
    return {
      chat: false,
      chatStreaming: false,
      generate: false,
      toolUse: false,
      embeddings: false,
      nli: false,
      classification: false,
      tokenCounting: false,
      localInference: false,
      providers: emptyProviders(),
    };
  },
  /** A cloud chat provider with streaming and tools. */
  chatOnly(): Capabilities {
    return { ...Capabilities.none(), chat: true, chatStreaming: true, toolUse: true };
  },
  /** A local inference provider (embeddings, NLI, zero-shot). */
  localInference(): Capabilities {
    return {
      ...Capabilities.none(),
      embeddings: true,
      nli: true,
      classification: true,
      localInference: true,
    };
  },
  /** Flags from routable capabilities, attributed to `providerId`. */
  fromCapabilities(
    capabilities: readonly Capability[],
    providerId: string,
    flags: { toolUse?: boolean; localInference?: boolean } = {},
  ): Capabilities {
    const has = (capability: Capability) => capabilities.includes(capability);
    const providers = emptyProviders();
    for (const capability of capabilities) providers[capability].push(providerId);
    return {
      chat: has("chat"),
      chatStreaming: has("chat"),
      generate: has("generate"),
      toolUse: has("chat") && (flags.toolUse ?? true),
      embeddings: has("embed"),
      nli: has("nli"),
      classification: has("classify"),
      tokenCounting: has("countTokens"),
      localInference: flags.localInference ?? false,
      providers,
    };
  },
  /** Field-wise OR of the flags; provider lists concatenated without duplicates, in order. */
  merge(...all: Capabilities[]): Capabilities {
    const out = Capabilities.none();
    for (const item of all) {
      out.chat ||= item.chat;
      out.chatStreaming ||= item.chatStreaming;
      out.generate ||= item.generate;
      out.toolUse ||= item.toolUse;
      out.embeddings ||= item.embeddings;
      out.nli ||= item.nli;
      out.classification ||= item.classification;
      out.tokenCounting ||= item.tokenCounting;
      out.localInference ||= item.localInference;
      for (const capability of Object.keys(out.providers) as Capability[]) {
        for (const id of item.providers[capability] ?? []) {
          if (!out.providers[capability].includes(id)) out.providers[capability].push(id);
        }
      }
    }
    return out;
  },
} as const;
