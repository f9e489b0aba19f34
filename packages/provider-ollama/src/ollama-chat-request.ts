/**
 * Build the body of an `/api/chat` request from core options: sampling
 * settings go into `options` (`maxTokens` → `num_predict`), reasoning into
 * `think`, the response format into `format`; provider settings add
 * `keep_alive` and model options such as `num_ctx`; `rawProviderOptions`
 * are merged last (its `options` into `options`).
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/modelfile#valid-parameters-and-values
 */
import {
  type ChatOptions,
  invalidInput,
  type Message,
  type ReasoningConfig,
  type ResponseFormat,
  ToolDefinition,
} from "@ratatoskr/core";
import { convertToOllamaMessages, type OllamaWireMessage } from "./convert-to-ollama-messages.ts";

/** Ollama's `think`: on/off, or a level for models that take one (gpt-oss). */
export type OllamaThink = boolean | "low" | "medium" | "high" | "max";

/** The `/api/chat` request body this provider sends. */
export interface OllamaChatRequestBody {
  model: string;
  messages: OllamaWireMessage[];
  tools?: Array<Record<string, unknown>>;
  format?: "json" | Record<string, unknown>;
  options?: Record<string, unknown>;
  think?: OllamaThink;
  keep_alive?: string | number;
  stream: boolean;
  [field: string]: unknown;
}

/** Per-provider defaults that shape every chat request. */
export interface OllamaChatDefaults {
  /** `keep_alive`: how long the model stays loaded after the request. */
  keepAlive?: string | number;
  /** `options.num_ctx`: the context window to load the model with. */
  numCtx?: number;
  /** Further model options (`num_gpu`, `top_k`, `repeat_penalty`, …), sent in `options`. */
  modelOptions?: Record<string, unknown>;
}

/** A setting of the call that Ollama cannot honour as asked (the request is sent without it). */
export interface OllamaWarning {
  /** The `ChatOptions` field (`toolChoice`, `parallelToolCalls`, `reasoning.maxTokens`). */
  setting: string;
  /** What happened instead. */
  details: string;
}

/**
 * Map core reasoning settings to `think`: an effort becomes the level of the
 * same name (`minimal` → `low`, Ollama's lowest), reasoning without an effort
 * turns thinking on. Undefined (the model's default) when no reasoning is set.
 *
 * @see https://docs.ollama.com/capabilities/thinking
 */
export function mapOllamaThink(reasoning: ReasoningConfig | undefined): OllamaThink | undefined {
  if (reasoning === undefined) return undefined;
  switch (reasoning.effort) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
      return "high";
    default:
      return true;
  }
}

/**
 * Map a core {@link ResponseFormat} to `format`: `"json"` for JSON mode, the
 * schema itself for structured outputs, nothing for text.
 *
 * @see https://docs.ollama.com/capabilities/structured-outputs
 */
export function mapOllamaFormat(
  format: ResponseFormat | undefined,
): "json" | Record<string, unknown> | undefined {
  if (format === undefined || format.type === "text") return undefined;
  return format.type === "json_object" ? "json" : format.schema;
}

function toolsFor(
  options: ChatOptions,
  warnings: OllamaWarning[],
): Array<Record<string, unknown>> | undefined {
  const tools = options.tools;
  if (tools === undefined || tools.length === 0) return undefined;
  if (!Array.isArray(tools)) throw invalidInput("tools must be an array of {name, parameters}");
  tools.forEach((tool, index) => {
    if (typeof tool?.name !== "string" || tool.name === "") {
      throw invalidInput(`tools[${index}].name must be a non-empty string`);
    }
    const schema = tool.parameters;
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw invalidInput(
        `tools[${index}] ("${tool.name}") needs a JSON Schema object as parameters`,
      );
    }
  });
  const choice = options.toolChoice;
  if (choice === "none") return undefined;
  if (choice === "required") {
    warnings.push({
      setting: "toolChoice",
      details: 'Ollama cannot force a tool call ("required"); the model decides',
    });
  }
  if (options.parallelToolCalls === false) {
    warnings.push({
      setting: "parallelToolCalls",
      details: "Ollama has no switch for parallel tool calls; the model may make several",
    });
  }
  if (typeof choice === "object" && choice !== null) {
    const named = tools.find((tool) => tool.name === choice.name);
    if (named === undefined) {
      throw invalidInput(`toolChoice names "${choice.name}", which is not among the tools`);
    }
    warnings.push({
      setting: "toolChoice",
      details: `Ollama cannot force a tool call; only "${choice.name}" is offered, the model decides whether to call it`,
    });
    return [ToolDefinition.toOpenAI(named) as unknown as Record<string, unknown>];
  }
  return tools.map((tool) => ToolDefinition.toOpenAI(tool) as unknown as Record<string, unknown>);
}

function modelOptionsFor(options: ChatOptions, defaults: OllamaChatDefaults) {
  const modelOptions: Record<string, unknown> = { ...defaults.modelOptions };
  if (defaults.numCtx !== undefined) modelOptions.num_ctx = defaults.numCtx;
  if (options.temperature !== undefined) modelOptions.temperature = options.temperature;
  if (options.topP !== undefined) modelOptions.top_p = options.topP;
  if (options.maxTokens !== undefined) modelOptions.num_predict = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) modelOptions.stop = options.stop;
  if (options.seed !== undefined) modelOptions.seed = options.seed;
  if (options.frequencyPenalty !== undefined)
    modelOptions.frequency_penalty = options.frequencyPenalty;
  if (options.presencePenalty !== undefined)
    modelOptions.presence_penalty = options.presencePenalty;
  return modelOptions;
}

/**
 * The complete `/api/chat` body and the settings that could not be sent as
 * asked. `rawProviderOptions` win: its fields replace the body's, and its
 * `options` object is merged into `options` (`{options: {num_ctx: 8192}}`).
 *
 * @see https://docs.ollama.com/api/chat
 */
export function buildOllamaChatRequest(
  messages: readonly Message[],
  options: ChatOptions,
  defaults: OllamaChatDefaults,
  stream: boolean,
): { body: OllamaChatRequestBody; warnings: OllamaWarning[] } {
  const warnings: OllamaWarning[] = [];
  const body: OllamaChatRequestBody = {
    model: options.model,
    messages: convertToOllamaMessages(messages),
    stream,
  };
  const tools = toolsFor(options, warnings);
  if (tools !== undefined) body.tools = tools;
  const format = mapOllamaFormat(options.responseFormat);
  if (format !== undefined) body.format = format;
  const think = mapOllamaThink(options.reasoning);
  if (think !== undefined) body.think = think;
  if (options.reasoning?.maxTokens !== undefined) {
    warnings.push({
      setting: "reasoning.maxTokens",
      details: "Ollama has no thinking budget; thinking is switched on without one",
    });
  }
  if (defaults.keepAlive !== undefined) body.keep_alive = defaults.keepAlive;
  const modelOptions = modelOptionsFor(options, defaults);
  const raw = options.rawProviderOptions;
  if (raw !== undefined) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw invalidInput("rawProviderOptions must be an object of /api/chat fields");
    }
    const { options: rawOptions, ...rawFields } = raw;
    Object.assign(body, rawFields);
    if (rawOptions !== undefined) {
      if (typeof rawOptions !== "object" || rawOptions === null || Array.isArray(rawOptions)) {
        throw invalidInput("rawProviderOptions.options must be an object of Ollama model options");
      }
      Object.assign(modelOptions, rawOptions);
    }
  }
  if (Object.keys(modelOptions).length > 0) body.options = modelOptions;
  // The transport decides how the answer is read.
  body.stream = stream;
  return { body, warnings };
}
