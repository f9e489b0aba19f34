/**
 * Results of the gateway's methods.
 */
import type { AssistantMessage, ReasoningDetail } from "./messages.ts";
import type { ServerToolCall, ServerToolResult } from "./server-tools.ts";
import type { ToolCall } from "./tools.ts";
import type { Usage } from "./usage.ts";
import type { Warning } from "./warning.ts";

/**
 * Why the model stopped. `pause`: the provider paused a long turn of its own
 * server tools (Anthropic `pause_turn`); the turn is not finished: append
 * `toAssistantMessage(response)` and send the same request again to let the
 * model continue. `other` is anything unmapped (the raw value is kept).
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "pause" | "other";

/** A complete chat answer. */
export interface ChatResponse {
  /** The answer text (empty when the turn is only tool calls). */
  content: string;
  /** The reasoning text, for display, when the model reported it. */
  reasoning?: string;
  /** Reasoning records to send back verbatim on the next turn (signatures, encrypted blocks). */
  reasoningDetails?: ReasoningDetail[];
  /** Client tool calls: the caller runs them and answers with tool messages. */
  toolCalls: ToolCall[];
  /** Tools the provider ran itself during the turn, in order (absent when none). */
  serverToolCalls?: ServerToolCall[];
  /** Results of server tool calls, in order (absent when none). */
  serverToolResults?: ServerToolResult[];
  /** Undefined when the provider did not report usage (unknown, not zero). */
  usage?: Usage;
  /** The model that answered, as the provider named it. */
  model?: string;
  /** The id of the provider that answered (set by the gateway). */
  provider?: string;
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** The provider's own finish reason string, when it had one. */
  rawFinishReason?: string;
  /** The provider's id of the request or response (for support tickets and logs), when it gave one. */
  requestId?: string;
  /** Settings the provider ignored or could not honour (absent: none). */
  warnings?: Warning[];
}

/** The fields of a chat answer that {@link toAssistantMessage} reads. */
export type AssistantTurn = Pick<
  ChatResponse,
  | "content"
  | "toolCalls"
  | "serverToolCalls"
  | "serverToolResults"
  | "reasoning"
  | "reasoningDetails"
>;

/**
 * The assistant message to append to the conversation for the next turn: text,
 * client tool calls, reasoning, and the server tool calls and results the
 * provider needs to see again. Takes a gateway `ChatResponse` or a
 * provider's `ChatResultV1` alike (only the fields of {@link AssistantTurn}
 * are read).
 */
export function toAssistantMessage(response: AssistantTurn): AssistantMessage {
  const message: AssistantMessage = { role: "assistant", content: response.content };
  if (response.toolCalls.length > 0) message.toolCalls = response.toolCalls;
  if (response.serverToolCalls !== undefined && response.serverToolCalls.length > 0) {
    message.serverToolCalls = response.serverToolCalls;
  }
  if (response.serverToolResults !== undefined && response.serverToolResults.length > 0) {
    message.serverToolResults = response.serverToolResults;
  }
  if (response.reasoning !== undefined) message.reasoning = response.reasoning;
  if (response.reasoningDetails !== undefined && response.reasoningDetails.length > 0) {
    message.reasoningDetails = response.reasoningDetails;
  }
  return message;
}

/** A complete text generation. */
export interface GenerateResponse {
  /** The generated text. */
  text: string;
  /** Undefined when the provider did not report usage (unknown, not zero). */
  usage?: Usage;
  /** The model that answered. */
  model: string;
  /** The id of the provider that answered (set by the gateway). */
  provider?: string;
  /** Why the model stopped. */
  finishReason: FinishReason;
  /** The provider's id of the request or response, when it gave one. */
  requestId?: string;
  /** Settings the provider ignored or could not honour (absent: none). */
  warnings?: Warning[];
}

/** One embedding vector. */
export interface Embedding {
  /** The vector. */
  values: number[];
  /** The model that computed it. */
  model: string;
  /** The vector's length (`values.length`). */
  dimensions: number;
}

/** NLI label. */
export type NliLabel = "entailment" | "neutral" | "contradiction";

/** Natural-language-inference scores for one (premise, hypothesis) pair; scores sum to ~1. */
export interface NliResult {
  /** How likely the premise entails the hypothesis (0–1). */
  entailment: number;
  /** How likely the premise contradicts the hypothesis (0–1). */
  contradiction: number;
  /** How likely neither holds (0–1). */
  neutral: number;
  /** The label with the highest score. */
  label: NliLabel;
}

/** One (premise, hypothesis) pair for `inferNliBatch`. */
export interface NliPair {
  /** The text taken as true. */
  premise: string;
  /** The statement judged against the premise. */
  hypothesis: string;
}

/** Zero-shot classification result. */
export interface ClassifyResult {
  /** Score for every candidate label. */
  scores: Record<string, number>;
  /** The label with the highest score. */
  topLabel: string;
  /** The score of `topLabel`. */
  confidence: number;
}

/** A text's position toward a target: in favour of it, against it, or neither. */
export type StanceLabel = "favor" | "against" | "neutral";

/** Every {@link StanceLabel}, in tie-break order (a tie goes to the earlier one). */
export const STANCE_LABELS: readonly StanceLabel[] = ["favor", "against", "neutral"];

/**
 * The label of three stance scores: the highest, a tie going to favor, then
 * against, then neutral (the original design's rule).
 */
export function stanceLabelOf(scores: {
  readonly favor: number;
  readonly against: number;
  readonly neutral: number;
}): StanceLabel {
  const { favor, against, neutral } = scores;
  if (favor >= against && favor >= neutral) return "favor";
  return against >= neutral ? "against" : "neutral";
}

/** The stance of a text toward a target (`classifyStance`); the three scores sum to ~1. */
export interface StanceResult {
  /** Score for "This text supports ‹target›." */
  favor: number;
  /** Score for "This text opposes ‹target›." */
  against: number;
  /** Score for "This text is neutral about ‹target›." */
  neutral: number;
  /** The label with the highest score; a tie goes to favor, then against, then neutral. */
  label: StanceLabel;
  /** The target the stance was measured toward, as given. */
  target: string;
}

/** A token count. */
export interface TokenCount {
  /** The number of tokens. */
  count: number;
  /** True when the tokenizer is not the model's own (e.g. the public pre-Claude-3 tokenizer). */
  approximate: boolean;
  /** What counted: a tokenizer name or a provider endpoint. */
  source: string;
}
