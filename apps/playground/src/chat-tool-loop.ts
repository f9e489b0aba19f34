/**
 * The playground's chat turn: stream the model's answer, execute the tool
 * calls it makes on the server, send the results back, and repeat until the
 * model answers without calling a tool (or the round limit is reached). A
 * turn the provider paused (`finishReason: "pause"`, its own server tools
 * still at work) is sent back as it is, to let the model continue; server
 * tool calls are never executed here.
 */
import {
  type ChatEvent,
  type ChatOptions,
  ChatStreamAccumulator,
  Message,
  type ModelGateway,
  type PricingInfo,
  RatatoskrError,
  type ReasoningEffort,
  toAssistantMessage,
  type Usage,
} from "@ratatoskr/core";
import { DEMO_TOOLS, executeTool, type PlaygroundTool } from "./demo-tools.ts";
import { type TurnCost, turnCost } from "./turn-cost.ts";

/** What the browser asks for. */
export interface ChatTurnRequest {
  messages: Message[];
  model: string;
  /** Offer the demo tools (default true). */
  tools?: boolean;
  reasoning?: ReasoningEffort;
  temperature?: number;
  maxTokens?: number;
}

/** An event the server streams to the browser: the gateway's events plus the loop's own. */
export type PlaygroundChatEvent =
  | ChatEvent
  /** A model round begins (1-based). */
  | { type: "round"; round: number }
  /** A tool call was executed on the server. */
  | {
      type: "tool_result";
      round: number;
      index: number;
      id: string;
      name: string;
      content: string;
      isError: boolean;
      durationMs: number;
    }
  /** Messages to append to the conversation (assistant turns and tool results), in order. */
  | { type: "messages"; messages: Message[] }
  /** Timing, summed usage and cost of the whole turn. */
  | {
      type: "stats";
      latencyMs: number;
      firstTokenMs: number | undefined;
      rounds: number;
      usage: Usage | undefined;
      /** What the turn cost (see `turnCost`); null when the price is unknown. */
      cost: TurnCost | null;
      provider: string | undefined;
      model: string | undefined;
    }
  /** The turn failed; `partial` is what was delivered before. */
  | { type: "error"; code: string; message: string; partial?: string };

/** Options of {@link runChatTurn}. */
export interface ChatTurnOptions {
  signal: AbortSignal;
  /** Most model rounds per turn (default 5). */
  maxRounds?: number;
  tools?: Readonly<Record<string, PlaygroundTool>>;
  now?: () => Date;
  /** The model's registry prices, for rounds whose usage carries no cost of its own. */
  pricing?: PricingInfo | undefined;
}

function addUsage(total: Usage | undefined, next: Usage | undefined): Usage | undefined {
  if (next === undefined) return total;
  if (total === undefined) return { ...next };
  const sum: Usage = {
    promptTokens: total.promptTokens + next.promptTokens,
    completionTokens: total.completionTokens + next.completionTokens,
    totalTokens: total.totalTokens + next.totalTokens,
  };
  for (const key of ["reasoningTokens", "cacheReadTokens", "cacheWriteTokens"] as const) {
    if (total[key] !== undefined || next[key] !== undefined)
      sum[key] = (total[key] ?? 0) + (next[key] ?? 0);
  }
  if (total.serverToolRequests !== undefined || next.serverToolRequests !== undefined) {
    const requests: Record<string, number> = { ...total.serverToolRequests };
    for (const [tool, count] of Object.entries(next.serverToolRequests ?? {}))
      requests[tool] = (requests[tool] ?? 0) + count;
    sum.serverToolRequests = requests;
  }
  return sum;
}

/**
 * Run one user turn against the gateway: a multi-round tool loop whose
 * events are yielded as they arrive. Never throws: failures (abort
 * included) end the stream with an `error` event.
 */
export async function* runChatTurn(
  gateway: Pick<ModelGateway, "chatStream">,
  request: ChatTurnRequest,
  options: ChatTurnOptions,
): AsyncGenerator<PlaygroundChatEvent> {
  const tools = options.tools ?? DEMO_TOOLS;
  const maxRounds = options.maxRounds ?? 5;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  let firstTokenMs: number | undefined;
  let usage: Usage | undefined;
  const roundUsages: Array<Usage | undefined> = [];
  let provider: string | undefined;
  let answeredModel: string | undefined;
  const conversation: Message[] = [...request.messages];
  const added: Message[] = [];
  let round = 0;
  let partial = "";
  try {
    while (round < maxRounds) {
      round++;
      yield { type: "round", round };
      const chatOptions: ChatOptions = { model: request.model, signal: options.signal };
      if (request.tools !== false)
        chatOptions.tools = Object.values(tools).map((tool) => tool.definition);
      if (request.reasoning !== undefined) chatOptions.reasoning = { effort: request.reasoning };
      if (request.temperature !== undefined) chatOptions.temperature = request.temperature;
      if (request.maxTokens !== undefined) chatOptions.maxTokens = request.maxTokens;
      const accumulator = new ChatStreamAccumulator();
      partial = "";
      for await (const event of gateway.chatStream([...conversation], chatOptions)) {
        if (
          firstTokenMs === undefined &&
          (event.type === "content" ||
            event.type === "reasoning" ||
            event.type === "tool_call_start" ||
            event.type === "server_tool_call")
        ) {
          firstTokenMs = Math.round(performance.now() - started);
        }
        accumulator.push(event);
        if (event.type === "content") partial += event.text;
        if (event.type === "done") {
          provider = event.provider ?? provider;
          answeredModel = event.model ?? answeredModel;
          usage = addUsage(usage, event.usage);
          roundUsages.push(event.usage);
        }
        yield event;
      }
      const response = accumulator.toResponse();
      const assistant = toAssistantMessage(response);
      conversation.push(assistant);
      added.push(assistant);
      if (response.finishReason === "pause" && response.toolCalls.length === 0) {
        // The provider paused a long turn of its own server tools: sending it back continues it.
        if (round === maxRounds) {
          yield {
            type: "error",
            code: "tool_loop_limit",
            message: `The model was still working after ${maxRounds} rounds; stopped.`,
          };
        }
        continue;
      }
      if (response.toolCalls.length === 0) break;
      for (const [index, call] of response.toolCalls.entries()) {
        if (options.signal.aborted) throw options.signal.reason;
        const toolStarted = performance.now();
        const result = executeTool(call.name, call.arguments, tools, now);
        const toolMessage = Message.toolResult(call.id, result.content, call.name);
        conversation.push(toolMessage);
        added.push(toolMessage);
        yield {
          type: "tool_result",
          round,
          index,
          id: call.id,
          name: call.name,
          content: result.content,
          isError: result.isError,
          durationMs: Math.round((performance.now() - toolStarted) * 1000) / 1000,
        };
      }
      if (round === maxRounds) {
        yield {
          type: "error",
          code: "tool_loop_limit",
          message: `The model was still calling tools after ${maxRounds} rounds; stopped.`,
        };
      }
    }
  } catch (error) {
    const code = RatatoskrError.isInstance(error)
      ? error.code
      : options.signal.aborted
        ? "aborted"
        : "internal";
    const message = RatatoskrError.isInstance(error)
      ? error.message
      : options.signal.aborted
        ? "The request was aborted"
        : "Internal error in the playground server";
    yield { type: "error", code, message, ...(partial === "" ? {} : { partial }) };
  }
  if (added.length > 0) yield { type: "messages", messages: added };
  yield {
    type: "stats",
    latencyMs: Math.round(performance.now() - started),
    firstTokenMs,
    rounds: round,
    usage,
    cost: turnCost(roundUsages, options.pricing),
    provider,
    model: answeredModel,
  };
}
