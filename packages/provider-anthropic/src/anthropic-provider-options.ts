/**
 * The `anthropic` entry of a call's `providerOptions`: the Messages API's
 * own knobs that have no standard setting (server tools, the MCP connector,
 * thinking beyond `reasoning`, effort, beta headers, cache details, …),
 * typed and checked. An unknown key is an `unknown_provider_option` warning
 * and is not sent.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import { invalidInput, registerSecret, type WarningV1 } from "@ratatoskr/core";
import { isJsonObject } from "./anthropic-json.ts";
import type { AnthropicStructuredOutputMode } from "./anthropic-structured-output.ts";

/**
 * A tool in Anthropic's own format: a server tool (`web_search_20250305`,
 * `web_fetch_20250910`, `code_execution_20250825`, `tool_search_tool_regex_20251119`,
 * an MCP toolset, …) or a client tool with fields the neutral
 * `ToolDefinition` lacks. Sent as given.
 *
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
 */
export type AnthropicToolParam =
  | Anthropic.ToolUnion
  | {
      /** A server tool's versioned type (`web_search_20250305`, …); absent or `custom` for a client tool. */
      readonly type?: string;
      /** The tool's name. */
      readonly name: string;
      readonly [field: string]: unknown;
    };

/**
 * A remote MCP server for the MCP connector (`mcp_servers`; needs the
 * connector's beta header in `betas`). Its `authorization_token` is
 * registered for redaction.
 *
 * @see https://platform.claude.com/docs/en/agents-and-tools/mcp-connector
 */
export interface AnthropicMcpServer {
  /** Always `"url"`: a server reached over HTTP. */
  readonly type: "url";
  /** The server's URL. */
  readonly url: string;
  /** A name for the server, unique in the request. */
  readonly name: string;
  /** The OAuth authorization token the server requires, if any (registered for redaction). */
  readonly authorization_token?: string;
  readonly [field: string]: unknown;
}

/** Output effort (`output_config.effort`). */
export type AnthropicEffort = "low" | "medium" | "high" | "xhigh" | "max";

/**
 * Options for Anthropic, passed per call as `providerOptions: { anthropic: {…} }`
 * (the provider reads only its own entry). Every key is optional.
 *
 * @example
 * ```ts
 * await gateway.chat(messages, {
 *   model: "claude-sonnet-4-6",
 *   providerOptions: {
 *     anthropic: { tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }] },
 *   },
 * });
 * ```
 */
export interface AnthropicProviderOptions {
  /**
   * Tools in Anthropic's format, sent after the tools built from the
   * standard `tools` setting: server tools (web search, web fetch, code
   * execution, tool search, MCP toolsets) and client tools with
   * Anthropic-only fields. `toolChoice` and `cachePrompt` apply to the
   * whole list.
   */
  readonly tools?: readonly AnthropicToolParam[];
  /** Remote MCP servers (`mcp_servers`) for the MCP connector; add its beta to `betas`. */
  readonly mcpServers?: readonly AnthropicMcpServer[];
  /**
   * The `thinking` parameter as sent, replacing the one built from the
   * standard `reasoning` setting: `{type: "adaptive"}` for models that
   * decide themselves, `{type: "enabled", budget_tokens}` for a budget
   * outside the standard bounds, `{type: "disabled"}`.
   *
   * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
   */
  readonly thinking?: Anthropic.ThinkingConfigParam;
  /** `output_config.effort`: how much effort the model puts into its answer. */
  readonly effort?: AnthropicEffort;
  /** Beta features, sent as the `anthropic-beta` header (added to one set in the settings' `headers`). */
  readonly betas?: readonly string[];
  /**
   * The cache breakpoints' lifetime when `cachePrompt` is on: `5m` (the
   * API's default) or `1h`. Without `cachePrompt` it has no effect (a warning).
   *
   * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching
   */
  readonly cacheControl?: {
    /** How long the cached prefix lives: `5m` (Anthropic's default) or `1h`. */
    readonly ttl?: "5m" | "1h";
  };
  /** Request metadata (`metadata`), e.g. `{user_id}` for abuse detection. */
  readonly metadata?: {
    /** An opaque id of your end user (never a name or an e-mail address). */
    readonly user_id?: string | null;
  };
  /** `service_tier`: `auto` (priority capacity when available) or `standard_only`. */
  readonly serviceTier?: "auto" | "standard_only";
  /** A code execution container id to reuse (`container`). */
  readonly container?: string;
  /**
   * How `responseFormat: {type: "json_schema"}` is sent: `native`
   * (`output_config.format`) or `tool` (a forced tool whose input is the
   * answer, returned as the message text). Default: `tool` for the models
   * without native JSON outputs (Claude 2/3.x, Sonnet 4, Opus 4), `native`
   * for every other.
   *
   * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
   */
  readonly structuredOutput?: AnthropicStructuredOutputMode;
  /**
   * Body fields merged into the request last, as given: an escape hatch for
   * Messages API fields this package does not map yet. Nothing checks them.
   */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

/** Every key of {@link AnthropicProviderOptions}. */
export const ANTHROPIC_PROVIDER_OPTION_KEYS: readonly (keyof AnthropicProviderOptions)[] =
  Object.freeze([
    "tools",
    "mcpServers",
    "thinking",
    "effort",
    "betas",
    "cacheControl",
    "metadata",
    "serviceTier",
    "container",
    "structuredOutput",
    "extraBody",
  ]);

const KNOWN: ReadonlySet<string> = new Set(ANTHROPIC_PROVIDER_OPTION_KEYS);
const EFFORTS: ReadonlySet<string> = new Set(["low", "medium", "high", "xhigh", "max"]);
const THINKING_TYPES: ReadonlySet<string> = new Set([
  "enabled",
  "disabled",
  "adaptive",
  "between_tools",
]);
const NO_OPTIONS: AnthropicProviderOptions = Object.freeze({});

/** The checked options, and a warning for each key this provider does not know. */
export interface ReadAnthropicProviderOptions {
  readonly options: AnthropicProviderOptions;
  readonly warnings: WarningV1[];
}

/**
 * Check the `anthropic` options entry: each known key's type (a wrong one is
 * an `invalid_input` error naming `providerOptions.anthropic.<key>`), and an
 * `unknown_provider_option` warning for any other key (not sent). The
 * options object is the entry itself; nothing is copied.
 */
export function readAnthropicProviderOptions(
  entry: Readonly<Record<string, unknown>>,
): ReadAnthropicProviderOptions {
  const warnings: WarningV1[] = [];
  let empty = true;
  for (const key in entry) {
    if (!Object.hasOwn(entry, key) || entry[key] === undefined) continue;
    empty = false;
    if (!KNOWN.has(key)) {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: `not sent; Anthropic's options are ${ANTHROPIC_PROVIDER_OPTION_KEYS.join(", ")}`,
      });
      continue;
    }
    checkOption(key as keyof AnthropicProviderOptions, entry[key]);
  }
  return { options: empty ? NO_OPTIONS : (entry as AnthropicProviderOptions), warnings };
}

function fail(key: string, expected: string, value: unknown): never {
  const got = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
  throw invalidInput(`providerOptions.anthropic.${key} must be ${expected}, got ${got}`);
}

function checkOption(key: keyof AnthropicProviderOptions, value: unknown): void {
  switch (key) {
    case "tools":
      if (!Array.isArray(value)) fail(key, "an array of Anthropic tools", value);
      value.forEach((tool, index) => {
        if (!isJsonObject(tool) || typeof tool.name !== "string" || tool.name === "") {
          fail(`${key}[${index}]`, "a tool object with a name", tool);
        }
      });
      return;
    case "mcpServers":
      if (!Array.isArray(value)) fail(key, "an array of MCP server definitions", value);
      value.forEach((server, index) => {
        if (
          !isJsonObject(server) ||
          typeof server.url !== "string" ||
          typeof server.name !== "string"
        ) {
          fail(`${key}[${index}]`, "an MCP server with a url and a name", server);
        }
        if (typeof server.authorization_token === "string")
          registerSecret(server.authorization_token);
      });
      return;
    case "thinking":
      if (
        !isJsonObject(value) ||
        typeof value.type !== "string" ||
        !THINKING_TYPES.has(value.type)
      ) {
        fail(key, `a thinking object whose type is ${[...THINKING_TYPES].join(", ")}`, value);
      }
      return;
    case "effort":
      if (typeof value !== "string" || !EFFORTS.has(value)) {
        fail(key, `one of ${[...EFFORTS].join(", ")}`, value);
      }
      return;
    case "betas":
      if (!Array.isArray(value) || value.some((beta) => typeof beta !== "string" || beta === "")) {
        fail(key, "an array of non-empty strings", value);
      }
      return;
    case "cacheControl":
      if (
        !isJsonObject(value) ||
        (value.ttl !== undefined && value.ttl !== "5m" && value.ttl !== "1h")
      ) {
        fail(key, '{ttl?: "5m" | "1h"}', value);
      }
      return;
    case "metadata":
    case "extraBody":
      if (!isJsonObject(value)) fail(key, "an object", value);
      return;
    case "serviceTier":
      if (value !== "auto" && value !== "standard_only")
        fail(key, '"auto" or "standard_only"', value);
      return;
    case "container":
      if (typeof value !== "string" || value === "") fail(key, "a non-empty string", value);
      return;
    case "structuredOutput":
      if (value !== "native" && value !== "tool") fail(key, '"native" or "tool"', value);
      return;
  }
}
