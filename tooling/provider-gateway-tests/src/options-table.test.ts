/**
 * `docs/options.md`, checked against what the providers actually send: for
 * each provider and each standard option, one request with just that option
 * goes to a loopback server; the wire fields that differ from the same
 * request without it, and the warnings it returns, make the table's cell.
 * The rendered file must equal docs/options.md; `UPDATE_OPTIONS_TABLE=1`
 * rewrites it instead.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  type ChatRequestV1,
  type ChatSettingsV1,
  type GenerationSettingsV1,
  Message,
  type WarningV1,
} from "@ratatoskr/core";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import { localGenerationRequest } from "@ratatoskr/provider-local-onnx/internal";
import { createOllama } from "@ratatoskr/provider-ollama";
import { createOpenAI, createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import { createOpenRouter } from "@ratatoskr/provider-openrouter";
import {
  chatRequestFor,
  jsonReply,
  type OpenAIWireMockServer,
  startOpenAIWireMockServer,
} from "@ratatoskr/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

const DOC = new URL("../../../docs/options.md", import.meta.url);
const KEY = "test-key-options-table";

/** One table row: the option as the caller writes it, and the settings that set it. */
interface Row {
  label: string;
  settings: ChatSettingsV1;
  /** Settings already present in the request compared against (the option alone differs). */
  base?: ChatSettingsV1;
}

const SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city"],
};
const TOOLS: ChatSettingsV1 = {
  tools: [{ name: "get_weather", parameters: { type: "object", properties: {} } }],
};
const CHAT_ROWS: Row[] = [
  { label: "`temperature`", settings: { temperature: 0.5 } },
  { label: "`topP`", settings: { topP: 0.9 } },
  { label: "`topK`", settings: { topK: 40 } },
  { label: "`maxTokens`", settings: { maxTokens: 100 } },
  { label: "`stop`", settings: { stop: ["END"] } },
  { label: "`seed`", settings: { seed: 7 } },
  { label: "`frequencyPenalty`", settings: { frequencyPenalty: 0.5 } },
  { label: "`presencePenalty`", settings: { presencePenalty: 0.5 } },
  { label: "`tools`", settings: TOOLS },
  { label: '`toolChoice: "auto"`', settings: { toolChoice: "auto" }, base: TOOLS },
  { label: '`toolChoice: "none"`', settings: { toolChoice: "none" }, base: TOOLS },
  { label: '`toolChoice: "required"`', settings: { toolChoice: "required" }, base: TOOLS },
  {
    label: "`toolChoice: {name}`",
    settings: { toolChoice: { name: "get_weather" } },
    base: TOOLS,
  },
  { label: "`parallelToolCalls: false`", settings: { parallelToolCalls: false }, base: TOOLS },
  {
    label: '`responseFormat: {type: "json_object"}`',
    settings: { responseFormat: { type: "json_object" } },
  },
  {
    label: '`responseFormat: {type: "json_schema"}`',
    settings: { responseFormat: { type: "json_schema", name: "report", schema: SCHEMA } },
  },
  {
    label: '`responseFormat: {type: "json_schema", strict: true}`',
    settings: {
      responseFormat: { type: "json_schema", name: "report", schema: SCHEMA, strict: true },
    },
  },
  { label: "`reasoning.effort`", settings: { reasoning: { effort: "high" } } },
  { label: "`reasoning.maxTokens`", settings: { reasoning: { maxTokens: 2048 } } },
  { label: "`reasoning.exclude`", settings: { reasoning: { exclude: true } } },
  { label: "`cachePrompt`", settings: { cachePrompt: true } },
];
const GENERATE_ROWS: Array<{ label: string; settings: GenerationSettingsV1 }> = [
  { label: "`maxTokens`", settings: { maxTokens: 100 } },
  { label: "`temperature`", settings: { temperature: 0.5 } },
  { label: "`topP`", settings: { topP: 0.9 } },
  { label: "`topK`", settings: { topK: 40 } },
  { label: "`seed`", settings: { seed: 7 } },
  { label: "`stopSequences`", settings: { stopSequences: ["END"] } },
];

/** A chat provider as the table drives it. */
interface ChatColumn {
  name: string;
  model: string;
  chat: {
    complete(request: ChatRequestV1): Promise<unknown>;
    warningsFor(request: ChatRequestV1): readonly WarningV1[];
  };
}
const COLUMNS = [
  "openai",
  "openai-compatible",
  "openrouter",
  "anthropic",
  "ollama",
  "huggingface",
  "local-onnx",
] as const;

let server: OpenAIWireMockServer;
beforeAll(async () => {
  server = await startOpenAIWireMockServer();
});
afterAll(async () => {
  await server.close();
});

function chatColumns(): ChatColumn[] {
  const url = server.url;
  return [
    {
      name: "openai",
      model: "gpt-4o",
      chat: createOpenAI({ apiKey: KEY, baseURL: `${url}/v1` }).chat,
    },
    {
      name: "openai-compatible",
      model: "some-model",
      chat: createOpenAICompatible({ id: "compatible", baseURL: `${url}/v1`, apiKey: KEY }).chat,
    },
    {
      name: "openrouter",
      model: "openai/gpt-4o",
      chat: createOpenRouter({ apiKey: KEY, baseURL: `${url}/api/v1` }).chat,
    },
    {
      name: "anthropic",
      model: "claude-sonnet-4-6",
      chat: createAnthropic({ apiKey: KEY, baseURL: url }).chat,
    },
    { name: "ollama", model: "qwen3", chat: createOllama({ baseURL: url }).chat },
    {
      name: "huggingface",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      chat: createHuggingFace({ apiKey: KEY, chatBaseURL: `${url}/v1` }).chat!,
    },
  ];
}

/** The body `column` sends for `settings` (the answer is a 400: only the request matters). */
async function wireBody(column: ChatColumn, settings: ChatSettingsV1) {
  const messages = [Message.system("Be brief."), Message.user("Hi")];
  const request = chatRequestFor(messages, { model: column.model, ...settings });
  const warnings = column.chat.warningsFor(request);
  const before = server.requests.length;
  server.reply(
    jsonReply(400, {
      error: { message: "options table: request recorded", type: "invalid_request_error" },
    }),
  );
  await column.chat.complete(request).catch(() => undefined);
  expect(server.requests.length, `${column.name} sent no request`).toBe(before + 1);
  return { body: server.requests.at(-1)!.body, warnings };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A changed wire field: its path, and its new value when short enough to show. */
function field(path: string, value: unknown): string {
  if (value === undefined) return `\`${path}\` removed`;
  const json = JSON.stringify(value);
  return json.length <= 64 ? `\`${path}: ${json}\`` : `\`${path}\``;
}

/**
 * Where `after` differs from `before`, as {@link field}s: a new key is named
 * with its value (a new object of one key other than `type` is descended
 * into: `options.top_k`, `reasoning.effort`); a changed one is followed into
 * objects and arrays (`system[0].cache_control`).
 */
function changedFields(before: unknown, after: unknown, path = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const join = (key: string) => (path === "" ? key : `${path}.${key}`);
  if (isPlainObject(after) && (isPlainObject(before) || before === undefined)) {
    const keys = Object.keys(after);
    const single = keys.length === 1 && keys[0] !== "type";
    if (before === undefined && path !== "" && !single) return [field(path, after)];
    const old = before ?? {};
    const fields = keys.flatMap((key) => changedFields(old[key], after[key], join(key)));
    for (const key of Object.keys(old))
      if (!(key in after)) fields.push(field(join(key), undefined));
    return fields;
  }
  if (Array.isArray(after) && Array.isArray(before) && after.length === before.length) {
    return after.flatMap((item, index) => changedFields(before[index], item, `${path}[${index}]`));
  }
  return [field(path, after)];
}

function warningText(warning: WarningV1): string {
  switch (warning.type) {
    case "unsupported_setting":
      return `warning: ${warning.details ?? `${warning.setting} is not supported`}`;
    case "unsupported_tool":
      return `warning: ${warning.details ?? `tool ${warning.tool}`}`;
    case "unknown_provider_option":
      return `warning: ${warning.details ?? `option ${warning.option}`}`;
    case "other":
      return `note: ${warning.message}`;
    case "cache_unavailable":
      return `warning: cache ${warning.store} unavailable (${warning.details})`;
  }
}

function cell(fields: string[], warnings: readonly WarningV1[]): string {
  const parts: string[] = [];
  if (fields.length > 0) parts.push(fields.join(", "));
  for (const warning of warnings) parts.push(warningText(warning));
  const text =
    parts.length === 0 ? "nothing sent (the provider's default behaviour)" : parts.join("; ");
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** A Markdown table with its columns padded to one width, as the repository's formatter writes it. */
function table(header: readonly string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join(
    "\n",
  );
}

async function render(): Promise<string> {
  const columns = chatColumns();
  const chatRows: string[][] = [];
  for (const row of CHAT_ROWS) {
    const cells = [row.label];
    for (const column of columns) {
      const base = await wireBody(column, row.base ?? {});
      const sent = await wireBody(column, { ...row.base, ...row.settings });
      const fresh = sent.warnings.filter(
        (warning) => !base.warnings.some((old) => JSON.stringify(old) === JSON.stringify(warning)),
      );
      cells.push(cell(changedFields(base.body, sent.body), fresh));
    }
    cells.push("no chat");
    chatRows.push(cells);
  }
  const generateRows = GENERATE_ROWS.map((row) => {
    const request = localGenerationRequest({
      model: "tiny",
      prompt: "Hi",
      settings: row.settings,
      providerOptions: {},
      signal: new AbortController().signal,
    });
    const keys = Object.keys(request.decoding).filter((key) => key !== "signal");
    return [
      row.label,
      ...COLUMNS.slice(0, -1).map(() => "no generate"),
      cell(
        keys.map((key) =>
          field(`decoding.${key}`, request.decoding[key as keyof typeof request.decoding]),
        ),
        request.warnings,
      ),
    ];
  });
  return `${[
    "# Options by provider",
    "",
    "<!-- Generated by tooling/provider-gateway-tests/src/options-table.test.ts: do not edit by hand. Regenerate with `UPDATE_OPTIONS_TABLE=1 pnpm --filter @ratatoskr/provider-gateway-tests exec vitest run src/options-table.test.ts`. -->",
    "",
    "What each standard option becomes on each provider's wire. Every cell is measured: a test sends one request with just that option to a loopback server and compares the body with the same request without it; the fields that changed are listed with their value when it is short (`options.top_k: 40` is `top_k` inside Ollama's `options`), followed by the warnings the option returns (`unsupported_setting` and the like, their `details` quoted). In strict mode (`strict: true` or the builder's `.strict()`) every warning is an `invalid_input` error raised before anything is sent.",
    "",
    "Columns: `openai` (`createOpenAI`, model `gpt-4o`), `openai-compatible` (`createOpenAICompatible` with its defaults), `openrouter`, `anthropic` (model `claude-sonnet-4-6`; older models send `responseFormat: json_schema` as a forced tool, see the provider's README), `ollama` (the native `/api/chat` transport), `huggingface` (the chat router), `local-onnx` (generation only).",
    "",
    "## Chat (`chat`, `chatStream`)",
    "",
    table(["option", ...COLUMNS], chatRows),
    "",
    "## Text generation (`generate`, `generateStream`)",
    "",
    "`local-onnx` is the only provider with a raw text-generation capability; its cells are the decoder settings the request carries (`generation_config.json` fills in what is unset).",
    "",
    table(["option", ...COLUMNS], generateRows),
  ].join("\n")}\n`;
}

it("docs/options.md is the table the providers' requests produce", async () => {
  const rendered = await render();
  if (process.env.UPDATE_OPTIONS_TABLE === "1") {
    writeFileSync(DOC, rendered);
    return;
  }
  let current = "";
  try {
    current = readFileSync(DOC, "utf8");
  } catch {
    // Missing: the comparison below fails and says how to create it.
  }
  expect(
    current,
    "docs/options.md is out of date: regenerate it with UPDATE_OPTIONS_TABLE=1 (see the file's header)",
  ).toBe(rendered);
});
