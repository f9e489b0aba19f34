/**
 * Reasoning that OpenAI-compatible servers return, and how it goes back on
 * the next turn. Servers use three shapes:
 *
 * - `reasoning_details` (OpenRouter): structured entries (`reasoning.text`
 *   with an optional `signature`, `reasoning.summary`, `reasoning.encrypted`)
 *   that must be sent back verbatim on the assistant message;
 * - `reasoning` (OpenRouter, Ollama, recent vLLM): plain text;
 * - `reasoning_content` (DeepSeek, llama.cpp, Qwen, older vLLM): plain text.
 *
 * Each complete record is handed to the caller as a core
 * `{type: "opaque", provider, value}` {@link ReasoningDetail}: `value` is
 * either a merged `reasoning_details` entry, or an
 * {@link OpenAIReasoningFieldRecord} naming the message field the text came
 * in, so it goes back in the same field to the same provider.
 *
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens#preserving-reasoning-blocks
 * @see https://api-docs.deepseek.com/guides/thinking_mode
 */
import type { AssistantMessage, ReasoningDetail } from "@ratatoskr/core";

/** One OpenRouter `reasoning_details` entry, as the server sent it. */
export interface OpenAIReasoningDetailsEntry {
  /** `reasoning.text`, `reasoning.summary`, `reasoning.encrypted`, … */
  type: string;
  index?: number;
  text?: string | null;
  summary?: string | null;
  data?: string | null;
  signature?: string | null;
  id?: string | null;
  format?: string | null;
  [key: string]: unknown;
}

/** Reasoning text that arrived in a plain message field. */
export interface OpenAIReasoningFieldRecord {
  field: OpenAIReasoningField;
  text: string;
}

/** The plain-text reasoning fields of the OpenAI wire. */
export type OpenAIReasoningField = "reasoning" | "reasoning_content";

/** Whether `value` is a `reasoning_details` entry (its `type` starts with `reasoning.`). */
export function isOpenAIReasoningDetailsEntry(
  value: unknown,
): value is OpenAIReasoningDetailsEntry {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    (value as { type: string }).type.startsWith("reasoning.")
  );
}

/** Whether `value` is an {@link OpenAIReasoningFieldRecord}. */
export function isOpenAIReasoningFieldRecord(value: unknown): value is OpenAIReasoningFieldRecord {
  if (typeof value !== "object" || value === null) return false;
  const { field, text } = value as Partial<OpenAIReasoningFieldRecord>;
  return (field === "reasoning" || field === "reasoning_content") && typeof text === "string";
}

/**
 * Merges streamed `reasoning_details` fragments into complete entries.
 * Fragments with the same `index` and `type` are one entry: their `text`,
 * `summary` and `data` are concatenated, other fields (signature, id,
 * format) take the last non-null value.
 */
export class OpenAIReasoningDetailsMerger {
  #entries: OpenAIReasoningDetailsEntry[] = [];
  #byIndex = new Map<number, OpenAIReasoningDetailsEntry>();

  /** How many merged entries there are so far. */
  get size(): number {
    return this.#entries.length;
  }

  /** Add the `reasoning_details` array of one delta. */
  push(fragments: unknown): void {
    if (!Array.isArray(fragments)) return;
    for (const fragment of fragments) {
      if (!isOpenAIReasoningDetailsEntry(fragment)) continue;
      const index = typeof fragment.index === "number" ? fragment.index : undefined;
      const existing = index === undefined ? undefined : this.#byIndex.get(index);
      if (existing === undefined || existing.type !== fragment.type) {
        const entry: OpenAIReasoningDetailsEntry = { ...fragment };
        this.#entries.push(entry);
        if (index !== undefined) this.#byIndex.set(index, entry);
        continue;
      }
      for (const [key, value] of Object.entries(fragment)) {
        if (value === null || value === undefined || key === "type" || key === "index") continue;
        if ((key === "text" || key === "summary" || key === "data") && typeof value === "string") {
          const previous = existing[key];
          existing[key] = typeof previous === "string" ? previous + value : value;
        } else {
          existing[key] = value;
        }
      }
    }
  }

  /** The merged entries, in arrival order. */
  entries(): OpenAIReasoningDetailsEntry[] {
    return this.#entries;
  }
}

/** The readable text of a `reasoning_details` fragment list (text and summaries). */
export function reasoningDetailsText(fragments: unknown): string {
  if (!Array.isArray(fragments)) return "";
  let text = "";
  for (const fragment of fragments) {
    if (!isOpenAIReasoningDetailsEntry(fragment)) continue;
    if (fragment.type === "reasoning.text" && typeof fragment.text === "string")
      text += fragment.text;
    else if (fragment.type === "reasoning.summary" && typeof fragment.summary === "string")
      text += fragment.summary;
  }
  return text;
}

/**
 * The records to keep for the next turn: the merged `reasoning_details`
 * entries when the server sent any, else the plain reasoning text with the
 * field it came in.
 */
export function toReasoningDetails(
  provider: string,
  entries: readonly OpenAIReasoningDetailsEntry[],
  field: OpenAIReasoningField | undefined,
  text: string,
): ReasoningDetail[] {
  if (entries.length > 0) return entries.map((value) => ({ type: "opaque", provider, value }));
  if (field !== undefined && text !== "") {
    const value: OpenAIReasoningFieldRecord = { field, text };
    return [{ type: "opaque", provider, value }];
  }
  return [];
}

/**
 * The reasoning fields to put on an outgoing assistant message: only the
 * records this provider produced (another provider's reasoning means nothing
 * to this server, and some servers reject foreign fields).
 */
export function reasoningFieldsForProvider(
  message: AssistantMessage,
  provider: string,
): Record<string, unknown> | undefined {
  const details = message.reasoningDetails;
  if (details === undefined || details.length === 0) return undefined;
  let fields: Record<string, unknown> | undefined;
  let entries: OpenAIReasoningDetailsEntry[] | undefined;
  for (const detail of details) {
    if (detail.type !== "opaque" || detail.provider !== provider) continue;
    if (isOpenAIReasoningDetailsEntry(detail.value)) {
      entries ??= [];
      entries.push(detail.value);
    } else if (isOpenAIReasoningFieldRecord(detail.value)) {
      fields ??= {};
      fields[detail.value.field] = detail.value.text;
    }
  }
  if (entries !== undefined) {
    fields ??= {};
    fields.reasoning_details = entries;
  }
  return fields;
}
