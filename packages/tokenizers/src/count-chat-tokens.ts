/**
 * Counting a whole chat request (messages and tools), per family:
 *
 * - **chat template** (Llama 3, Qwen 3, Gemma 3, DeepSeek V3, any tokenizer
 *   whose `tokenizer_config.json` has `chat_template`): the template is
 *   rendered with `@huggingface/jinja` exactly as `transformers`'
 *   `apply_chat_template(messages, tools=tools, add_generation_prompt=True)`
 *   does, and the text is encoded with its special tokens recognised. Exact.
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

/** A chat request's token count and how it was counted. */
export interface ChatTokenCount extends TokenCount {
  /** `chat-template`, `openai`, `claude` or `plain` (see the module docs). */
  method: "chat-template" | "openai" | "claude" | "plain";
}

type TemplateClass = new (template: string) => { render(items: Record<string, unknown>): string };
let templateClass: Promise<TemplateClass> | undefined;
const compiledTemplates = new Map<string, { render(items: Record<string, unknown>): string }>();

async function renderTemplate(template: string, items: Record<string, unknown>): Promise<string> {
  templateClass ??= import("@huggingface/jinja").then((module) => module.Template as TemplateClass);
  const Template = await templateClass;
  let compiled = compiledTemplates.get(template);
  if (compiled === undefined) {
    compiled = new Template(template);
    compiledTemplates.set(template, compiled);
  }
  return compiled.render(items);
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

/** Render the chat template of `tokenizer` for a request (the text its count is taken from). */
export async function renderChatTemplate(
  tokenizer: HfTokenizer,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] = [],
): Promise<string> {
  const template = tokenizer.chatTemplate;
  if (!template) throw new Error(`${tokenizer.name} has no chat template`);
  // Templates that apply `| tojson` to arguments want objects; others concatenate strings.
  const argumentsAsObjects = /arguments\s*\|\s*tojson/.test(template);
  const render = (nullContent: boolean) =>
    renderTemplate(template, {
      messages: toTemplateMessages(messages, argumentsAsObjects, nullContent),
      ...(tools.length > 0 ? { tools: toTemplateTools(tools) } : {}),
      add_generation_prompt: true,
      bos_token: tokenizer.bosToken ?? "",
      eos_token: tokenizer.eosToken ?? "",
    });
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
function templateOmissions(
  template: string,
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  count: (text: string) => number,
): number {
  let extra = 0;
  if (tools.length > 0 && !/\btools\b/.test(template))
    extra += count(JSON.stringify(toTemplateTools(tools)));
  if (!/tool_calls/.test(template)) {
    for (const message of messages) {
      if (message.role !== "assistant") continue;
      for (const call of message.toolCalls ?? []) extra += count(call.name) + count(call.arguments);
    }
  }
  return extra;
}

/**
 * Count a chat request with `tokenizer`. `format` is the family's fallback
 * when the tokenizer has no chat template; `approximate` marks the tokenizer
 * itself as approximate (Claude).
 */
export async function countChatTokensWith(
  tokenizer: HfTokenizer,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] = [],
  format: ChatFormat = "plain",
  approximate = false,
): Promise<ChatTokenCount> {
  const count = (text: string) => tokenizer.count(text);
  if (tokenizer.chatTemplate && format !== "openai" && format !== "claude") {
    let text: string | undefined;
    try {
      text = await renderChatTemplate(tokenizer, messages, tools);
    } catch {
      // The template refused the conversation (e.g. Gemma's has no tool role): count it plainly, approximately.
      text = undefined;
    }
    if (text !== undefined) {
      const omitted = templateOmissions(tokenizer.chatTemplate, messages, tools, count);
      return {
        count: tokenizer.count(text, { allowSpecial: true }) + omitted,
        approximate: approximate || omitted > 0,
        source: tokenizer.name,
        method: "chat-template",
      };
    }
  }
  if (format === "openai") {
    let total = 3; // every reply is primed with <|start|>assistant<|message|>
    let usesTools = tools.length > 0;
    for (const message of messages) {
      total += 3 + count(message.role) + count(message.content);
      if ("name" in message && message.name) total += 1 + count(message.name);
      if (message.role === "assistant" && message.toolCalls?.length) {
        usesTools = true;
        for (const call of message.toolCalls) total += 3 + count(call.name) + count(call.arguments);
      }
    }
    if (tools.length > 0) total += count(openAiToolNamespace(tools)) + 7;
    return {
      count: total,
      approximate: approximate || usesTools,
      source: tokenizer.name,
      method: "openai",
    };
  }
  let total = 0;
  for (const message of messages) {
    total += 3 + count(message.content);
    if (message.role === "assistant" && message.toolCalls) {
      for (const call of message.toolCalls) total += count(call.name) + count(call.arguments);
    }
  }
  if (tools.length > 0) total += count(JSON.stringify(toTemplateTools(tools)));
  return {
    count: total,
    approximate: true,
    source: tokenizer.name,
    method: format === "claude" ? "claude" : "plain",
  };
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
