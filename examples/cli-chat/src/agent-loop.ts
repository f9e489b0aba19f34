/**
 * The agentic tool loop: stream a turn, print it as it arrives, rebuild the
 * assistant message (text, tool calls, reasoning) with core's
 * `ChatStreamAccumulator`, run the tools it asked for, send their results
 * back, and repeat until the model answers without tool calls.
 */
import {
  type AssistantMessage,
  type ChatResponse,
  ChatStreamAccumulator,
  Message,
  type ModelGateway,
  type ToolCall,
  type ToolDefinition,
  type Usage,
} from "@ratatoskr/gateway";
import type { LinePrinter } from "./line-printer.ts";

/** What {@link runAgentTurn} needs. */
export interface AgentTurnOptions {
  gateway: ModelGateway;
  model: string;
  /** The conversation so far, ending with the new user message; the turn's messages are appended to it. */
  messages: Message[];
  tools: ToolDefinition[];
  /** Runs one tool call and returns its result text. */
  runTool: (call: ToolCall) => Promise<string>;
  /** Where the streamed answer, tool calls and usage are printed. */
  printer: LinePrinter;
  /** Aborting it cancels the stream in flight (Ctrl+C). */
  signal: AbortSignal;
  /** Model calls allowed for one user message (default 6): a bound against a model that never stops calling tools. */
  maxSteps?: number;
}

/** What one user turn did. */
export interface AgentTurnResult {
  /** The last model answer (no tool calls, unless `maxSteps` ran out). */
  final: ChatResponse;
  /** Every tool call the model made, with its result, in order. */
  toolRuns: Array<{ call: ToolCall; result: string }>;
  /** Model calls made. */
  steps: number;
  /** Whether `maxSteps` ran out while the model still wanted tools. */
  stepLimitReached: boolean;
}

/** Run the loop for the user message at the end of `options.messages`. */
export async function runAgentTurn(options: AgentTurnOptions): Promise<AgentTurnResult> {
  const { gateway, model, messages, tools, printer, signal } = options;
  const maxSteps = options.maxSteps ?? 6;
  const toolRuns: AgentTurnResult["toolRuns"] = [];
  for (let step = 1; ; step++) {
    const response = await streamOneStep(gateway, model, messages, tools, printer, signal);
    messages.push(assistantMessageOf(response));
    printer.line(`[step ${step}: ${response.finishReason}, ${describeUsage(response.usage)}]`);
    if (response.toolCalls.length === 0 || step >= maxSteps) {
      const stepLimitReached = response.toolCalls.length > 0;
      if (stepLimitReached)
        printer.line(`[stopped after ${maxSteps} step(s): the model still calls tools]`);
      return { final: response, toolRuns, steps: step, stepLimitReached };
    }
    for (const call of response.toolCalls) {
      const result = await options.runTool(call);
      toolRuns.push({ call, result });
      printer.line(`  ← ${call.name}: ${oneLine(result)}`);
      messages.push(Message.toolResult(call.id, result, call.name));
    }
  }
}

/** One model call, printed as it streams; the events folded into a response. */
async function streamOneStep(
  gateway: ModelGateway,
  model: string,
  messages: readonly Message[],
  tools: ToolDefinition[],
  printer: LinePrinter,
  signal: AbortSignal,
): Promise<ChatResponse> {
  const accumulator = new ChatStreamAccumulator();
  let showing: "reasoning" | "content" | undefined;
  for await (const event of gateway.chatStream(messages, { model, tools, signal })) {
    // The accumulator checks the protocol (a delta before its start, a call
    // never ended) and rebuilds the calls by index from their deltas.
    accumulator.push(event);
    switch (event.type) {
      case "reasoning":
        if (showing !== "reasoning")
          printer.write(showing === undefined ? "(thinking) " : "\n(thinking) ");
        showing = "reasoning";
        printer.write(event.text);
        break;
      case "content":
        if (showing === "reasoning") printer.endLine();
        showing = "content";
        printer.write(event.text);
        break;
      case "tool_call_end":
        printer.line(`  → ${event.name}(${event.arguments})`);
        showing = undefined;
        break;
      default:
        break;
    }
  }
  printer.endLine();
  return accumulator.toResponse();
}

/**
 * The assistant message to send back: its text, its tool calls, and its
 * reasoning — `reasoningDetails` (signatures, encrypted blocks) must go back
 * unchanged for providers that check them (Anthropic, OpenRouter).
 */
export function assistantMessageOf(response: ChatResponse): AssistantMessage {
  const message: AssistantMessage = { role: "assistant", content: response.content };
  if (response.toolCalls.length > 0) message.toolCalls = response.toolCalls;
  if (response.reasoning !== undefined) message.reasoning = response.reasoning;
  if (response.reasoningDetails !== undefined) message.reasoningDetails = response.reasoningDetails;
  if (response.serverToolCalls !== undefined) message.serverToolCalls = response.serverToolCalls;
  if (response.serverToolResults !== undefined)
    message.serverToolResults = response.serverToolResults;
  return message;
}

/** `usage: 12 in, 7 out` (or `no usage reported`). */
export function describeUsage(usage: Usage | undefined): string {
  if (usage === undefined) return "no usage reported";
  const reasoning =
    usage.reasoningTokens === undefined ? "" : ` (${usage.reasoningTokens} reasoning)`;
  return `usage: ${usage.promptTokens} in, ${usage.completionTokens} out${reasoning}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}
