/**
 * Counting a whole chat request (messages and tools), per family:
 *
 * - **chat template** (Llama 3.x, Qwen 3, Gemma 3, DeepSeek V3, any tokenizer
 *   whose `tokenizer_config.json` has `chat_template`, or a template given
 *   with the mapping): the template is rendered with `@huggingface/jinja` as
 *   `transformers`' `apply_chat_template(messages, tools=tools,
 *   add_generation_prompt=True)` renders it (`bos_token`, `eos_token`,
 *   `strftime_now` on an injectable date), and the text is encoded with its
 *   special tokens recognised. Exact, unless the mapping says the template
 *   is not the model's own (`chatApproximateReason`) or the template leaves
 *   part of the request out.
 * - **openai** (o200k / cl100k models): OpenAI's published rule: 3 tokens
 *   per message plus its role and content (1 more for a `name`), plus 3 that
 *   prime the reply. Exact for plain messages; with tools or tool calls the
 *   definitions are counted in OpenAI's TypeScript-like function namespace
 *   form, which is close but not published, so those counts are approximate.
 * - **claude**: the public tokenizer is not Claude 3's; contents, tool-call
 *   arguments and tool definitions (as JSON) are counted with 3 tokens of
 *   overhead per message. Approximate.
 * - **plain** (no template, no known format): the same sum as `claude`.
 *   Approximate.
 *
 * @see https://huggingface.co/docs/transformers/main/en/chat_templating
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
import type { Message, TokenCount, ToolDefinition } from "@ratatoskr/core";
import type { ChatFormat } from "./default-tokenizer-mappings.ts";
import type { HfTokenizer } from "./hf-tokenizer.ts";
import { strftime } from "./strftime.ts";

/** A chat request's token count and how it was counted. */
export interface ChatTokenCount extends TokenCount {
  /** `chat-template`, `openai`, `claude` or `plain` (see the module docs). */
  method: "chat-template" | "openai" | "claude" | "plain";
  /** Why the count is approximate (set when `approximate` is true). */
  approximateReason?: string;
}

/** How a family's chat requests are rendered and judged (from its mapping), and the call's signal. */
export interface ChatCountSettings {
  /** The model's chat template, rendered instead of the tokenizer's own. */
  chatTemplate?: string;
  /** Why a rendered template's count is approximate for these models (see `TokenizerMapping`). */
  chatApproximateReason?: string;
  /** Why the tokenizer itself is approximate (e.g. Claude's public tokenizer). */
  approximateReason?: string;
  /** Today's date for templates that print it (`strftime_now`, Llama 3.2); default: now. */
  date?: Date;
  /** Stops a long count between two slices of work (`aborted`). */
  signal?: AbortSignal;
}

/** Options of {@link renderChatTemplate}. */
export interface RenderChatTemplateOptions {
  /** The template to render (default: the tokenizer's own). */
  template?: string;
  /** Today's date for `strftime_now` (default: now). */
  date?: Date;
}

type Jinja = typeof import("@huggingface/jinja");
let jinja: Promise<Jinja> | undefined;
const compiledTemplates = new Map<string, InstanceType<Jinja["Template"]>>();

/** Python's `range(start, stop, step)` (and `range(stop)`), as Jinja templates call it. */
function range(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new Error("range() step must not be zero");
  const values: number[] = [];
  for (let value = from; step > 0 ? value < to : value > to; value += step) values.push(value);
  return values;
}

/**
 * Render `template` with `items`, in an environment with the globals
 * `transformers` gives chat templates (`raise_exception`, `range`,
 * `strftime_now`, the Python spellings of true/false/none). Rendered
 * through `@huggingface/jinja`'s interpreter directly, because its
 * `Template.render` fixes `strftime_now` to the machine's clock and locale.
 */
async function renderTemplate(
  template: string,
  items: Record<string, unknown>,
  date: Date,
): Promise<string> {
  jinja ??= import("@huggingface/jinja");
  const { Template, Environment, Interpreter } = await jinja;
  let compiled = compiledTemplates.get(template);
  if (compiled === undefined) {
    compiled = new Template(template);
    compiledTemplates.set(template, compiled);
  }
  const environment = new Environment();
  const globals: Record<string, unknown> = {
    true: true,
    false: false,
    none: null,
    True: true,
    False: false,
    None: null,
    raise_exception: (message: unknown) => {
      throw new Error(String(message));
    },
    range,
    strftime_now: (format: string) => strftime(date, format),
    ...items,
  };
  for (const [name, value] of Object.entries(globals)) environment.set(name, value);
  return String(new Interpreter(environment).run(compiled.parsed).value);
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Messages in the shape Hugging Face chat templates expect. */
export function toTemplateMessages(
  messages: readonly Message[],
  argumentsAsObjects: boolean,
  nullContentForToolCalls = false,
): Record<string, unknown>[] {
  return messages.map((message) => {
    const out: Record<string, unknown> = { role: message.role, content: message.content };
    if (message.role === "assistant" && message.toolCalls?.length) {
      // OpenAI-shaped conversations send `content: null` next to tool calls; some templates test for it.
      if (nullContentForToolCalls && message.content === "") out.content = null;
      out.tool_calls = message.toolCalls.map((call) => ({
        id: call.id,
        type: "function",
        function: {
          name: call.name,
          arguments: argumentsAsObjects ? parseArguments(call.arguments) : call.arguments,
        },
      }));
    }
    if (message.role === "assistant" && message.reasoning)
      out.reasoning_content = message.reasoning;
    if (message.role === "tool") {
      out.tool_call_id = message.toolCallId;
      if (message.name) out.name = message.name;
    }
    if (message.role === "user" && message.name) out.name = message.name;
    return out;
  });
}

/** Tools in the OpenAI shape Hugging Face chat templates expect. */
export function toTemplateTools(tools: readonly ToolDefinition[]): Record<string, unknown>[] {
  return tools.map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

/**
 * Render the chat template of `tokenizer` (or `options.template`) for a
 * request: the text its count is taken from. `strftime_now` formats
 * `options.date` (default now) in UTC and the C locale.
 */
export async function renderChatTemplate(
  tokenizer: HfTokenizer,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] = [],
  options: RenderChatTemplateOptions = {},
): Promise<string> {
  const template = options.template ?? tokenizer.chatTemplate;
  if (!template) throw new Error(`${tokenizer.name} has no chat template`);
  // Templates that apply `| tojson` to arguments want objects; others concatenate strings.
  const argumentsAsObjects = /arguments\s*\|\s*tojson/.test(template);
  const date = options.date ?? new Date();
  const render = (nullContent: boolean) =>
    renderTemplate(
      template,
      {
        messages: toTemplateMessages(messages, argumentsAsObjects, nullContent),
        ...(tools.length > 0 ? { tools: toTemplateTools(tools) } : {}),
        add_generation_prompt: true,
        bos_token: tokenizer.bosToken ?? "",
        eos_token: tokenizer.eosToken ?? "",
      },
      date,
    );
  const hasToolCalls = messages.some(
    (message) => message.role === "assistant" && message.toolCalls?.length,
  );
  if (!hasToolCalls) return render(false);
  // Prefer `content: null` beside tool calls (transformers' convention); fall back for templates that cannot take it.
  try {
    return await render(true);
  } catch {
    return render(false);
  }
}

/**
 * What a chat template leaves out: tool definitions when it never reads
 * `tools`, tool calls when it never reads `tool_calls`. Counted separately
 * (and marked approximate) so a count is never short.
 */
async function templateOmissions(
  template: string,
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  count: (text: string) => Promise<number>,
): Promise<{ tokens: number; reason?: string }> {
  let tokens = 0;
  const left: string[] = [];
  if (tools.length > 0 && !/\btools\b/.test(template)) {
    tokens += await count(JSON.stringify(toTemplateTools(tools)));
    left.push("tool definitions");
  }
  if (!/tool_calls/.test(template)) {
    for (const message of messages) {
      if (message.role !== "assistant" || !message.toolCalls?.length) continue;
      for (const call of message.toolCalls)
        tokens += (await count(call.name)) + (await count(call.arguments));
      if (!left.includes("tool calls")) left.push("tool calls");
    }
  }
  return left.length === 0
    ? { tokens }
    : {
        tokens,
        reason: `the chat template does not render ${left.join(" or ")}; they are counted as JSON on top`,
      };
}

/**
 * Count a chat request with `tokenizer`. `format` is the family's fallback
 * when there is no chat template; `approximate` marks the tokenizer itself
 * as approximate (Claude); `settings` carries the mapping's template and
 * verdict, the date for templates that print it, and the call's signal.
 * Long contents are counted in slices (see `HfTokenizer.countAsync`).
 */
export async function countChatTokensWith(
  tokenizer: HfTokenizer,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] = [],
  format: ChatFormat = "plain",
  approximate = false,
  settings: ChatCountSettings = {},
): Promise<ChatTokenCount> {
  const signal = settings.signal;
  const count = (text: string) =>
    tokenizer.countAsync(text, signal === undefined ? {} : { signal });
  const result = (
    total: number,
    method: ChatTokenCount["method"],
    reason: string | undefined,
  ): ChatTokenCount => {
    const why = approximate
      ? (settings.approximateReason ?? "the tokenizer is approximate")
      : reason;
    return {
      count: total,
      approximate: why !== undefined,
      source: tokenizer.name,
      method,
      ...(why === undefined ? {} : { approximateReason: why }),
    };
  };
  const template = settings.chatTemplate ?? tokenizer.chatTemplate;
  let refusal: string | undefined;
  if (template && format !== "openai" && format !== "claude") {
    let text: string | undefined;
    try {
      text = await renderChatTemplate(tokenizer, messages, tools, {
        template,
        ...(settings.date === undefined ? {} : { date: settings.date }),
      });
    } catch (error) {
      // The template refused the conversation (e.g. Gemma's has no tool role): count it plainly, approximately.
      refusal = `the chat template refused this conversation (${error instanceof Error ? error.message : String(error)})`;
    }
    if (text !== undefined) {
      const omitted = await templateOmissions(template, messages, tools, count);
      const rendered = await tokenizer.countAsync(text, {
        allowSpecial: true,
        ...(signal === undefined ? {} : { signal }),
      });
      return result(
        rendered + omitted.tokens,
        "chat-template",
        omitted.reason ?? settings.chatApproximateReason,
      );
    }
  }
  if (format === "openai") {
    let total = 3; // every reply is primed with <|start|>assistant<|message|>
    let usesTools = tools.length > 0;
    for (const message of messages) {
      total += 3 + (await count(message.role)) + (await count(message.content));
      if ("name" in message && message.name) total += 1 + (await count(message.name));
      if (message.role === "assistant" && message.toolCalls?.length) {
        usesTools = true;
        for (const call of message.toolCalls)
          total += 3 + (await count(call.name)) + (await count(call.arguments));
      }
    }
    if (tools.length > 0) total += (await count(openAiToolNamespace(tools))) + 7;
    return result(
      total,
      "openai",
      usesTools
        ? "OpenAI does not publish how tools and tool calls are rendered; they are counted in the widely reproduced function-namespace form"
        : undefined,
    );
  }
  let total = 0;
  for (const message of messages) {
    total += 3 + (await count(message.content));
    if (message.role === "assistant" && message.toolCalls) {
      for (const call of message.toolCalls)
        total += (await count(call.name)) + (await count(call.arguments));
    }
  }
  if (tools.length > 0) total += await count(JSON.stringify(toTemplateTools(tools)));
  return result(
    total,
    format === "claude" ? "claude" : "plain",
    refusal ??
      "no chat template for this model: counted as its contents, tool calls and tools plus 3 tokens per message",
  );
}

/** OpenAI's (unpublished, widely reproduced) rendering of function tools into the system prompt. */
function openAiToolNamespace(tools: readonly ToolDefinition[]): string {
  const lines = ["# Tools", "", "## functions", "", "namespace functions {", ""];
  for (const tool of tools) {
    if (tool.description) lines.push(`// ${tool.description}`);
    const properties = (tool.parameters.properties ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    const required = new Set((tool.parameters.required ?? []) as string[]);
    const fields = Object.entries(properties).map(([name, schema]) => {
      const description =
        typeof schema.description === "string" ? `// ${schema.description}\n` : "";
      return `${description}${name}${required.has(name) ? "" : "?"}: ${schemaType(schema)},`;
    });
    lines.push(
      fields.length
        ? `type ${tool.name} = (_: {\n${fields.join("\n")}\n}) => any;`
        : `type ${tool.name} = () => any;`,
      "",
    );
  }
  lines.push("} // namespace functions");
  return lines.join("\n");
}

function schemaType(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  switch (schema.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return `${schemaType((schema.items ?? {}) as Record<string, unknown>)}[]`;
    case "object":
      return "object";
    default:
      return "any";
  }
}
