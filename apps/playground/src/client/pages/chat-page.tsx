/**
 * Chat: a streamed conversation with reasoning, tool calls executed on the
 * server, usage and its cost, latency and the answering provider; Stop aborts the request.
 */
import type { Message, Usage } from "@ratatoskr/core";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { formatTurnCost, type TurnCost } from "../../turn-cost.ts";
import {
  ApiCallError,
  type ApiError,
  type ChatRequest,
  type ChatStreamEvent,
  type Status,
  streamChat,
} from "../api.ts";
import { defaultModel, ErrorBox, ModelPicker, Unavailable } from "../components.tsx";

type Part =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  | {
      kind: "tool";
      index: number;
      round: number;
      id: string;
      name: string;
      arguments: string;
      complete: boolean;
      result?: string;
      isError?: boolean;
    }
  | {
      /** A tool the provider ran itself (web search, code execution, an MCP server's tool). */
      kind: "server_tool";
      id: string;
      name: string;
      server?: string;
      /** The input as JSON text; absent for a result whose call came in an earlier turn. */
      input?: string;
      result?: string;
      isError?: boolean;
    };

interface AssistantTurn {
  role: "assistant";
  parts: Part[];
  state: "streaming" | "done" | "aborted" | "error";
  provider?: string | undefined;
  rule?: string | undefined;
  model?: string | undefined;
  finishReason?: string;
  usage?: Usage | undefined;
  cost?: TurnCost | null;
  latencyMs?: number;
  firstTokenMs?: number | undefined;
  rounds?: number;
  error?: ApiError;
}

type Turn = { role: "user"; text: string } | AssistantTurn;

/** Apply one stream event to the assistant turn being built (returns a new object for Preact). */
export function applyChatEvent(
  turn: AssistantTurn,
  event: ChatStreamEvent,
  round: { value: number },
): AssistantTurn {
  const parts = [...turn.parts];
  const last = parts.at(-1);
  switch (event.type) {
    case "route":
      return { ...turn, provider: event.provider ?? undefined, rule: event.rule ?? undefined };
    case "hints":
      return {
        ...turn,
        error: {
          code: "no_provider",
          message: "No provider serves this chat model.",
          hints: event.hints,
        },
      };
    case "round":
      round.value = event.round;
      return turn;
    case "content":
      if (last?.kind === "text")
        parts[parts.length - 1] = { ...last, text: last.text + event.text };
      else parts.push({ kind: "text", text: event.text });
      return { ...turn, parts };
    case "reasoning":
      if (last?.kind === "reasoning")
        parts[parts.length - 1] = { ...last, text: last.text + event.text };
      else parts.push({ kind: "reasoning", text: event.text });
      return { ...turn, parts };
    case "tool_call_start":
      parts.push({
        kind: "tool",
        index: event.index,
        round: round.value,
        id: event.id,
        name: event.name,
        arguments: "",
        complete: false,
      });
      return { ...turn, parts };
    case "tool_call_delta":
    case "tool_call_end": {
      const position = parts.findLastIndex(
        (part) => part.kind === "tool" && part.index === event.index && part.round === round.value,
      );
      const part = parts[position];
      if (part?.kind !== "tool") return turn;
      parts[position] =
        event.type === "tool_call_delta"
          ? { ...part, arguments: part.arguments + event.arguments }
          : { ...part, complete: true };
      return { ...turn, parts };
    }
    case "server_tool_call":
      parts.push({
        kind: "server_tool",
        id: event.call.id,
        name: event.call.name,
        ...(event.call.server === undefined ? {} : { server: event.call.server }),
        input: JSON.stringify(event.call.input),
      });
      return { ...turn, parts };
    case "server_tool_result": {
      const result = {
        result: JSON.stringify(event.result.content) ?? "",
        isError: event.result.isError === true,
      };
      const position = parts.findLastIndex(
        (part) => part.kind === "server_tool" && part.id === event.result.toolCallId,
      );
      const part = parts[position];
      if (part?.kind === "server_tool") parts[position] = { ...part, ...result };
      else
        parts.push({
          kind: "server_tool",
          id: event.result.toolCallId,
          name: event.result.name,
          ...result,
        });
      return { ...turn, parts };
    }
    case "tool_result": {
      const position = parts.findLastIndex((part) => part.kind === "tool" && part.id === event.id);
      const part = parts[position];
      if (part?.kind !== "tool") return turn;
      parts[position] = { ...part, result: event.content, isError: event.isError };
      return { ...turn, parts };
    }
    case "done":
      return {
        ...turn,
        provider: event.provider ?? turn.provider,
        model: event.model ?? turn.model,
        finishReason: event.finishReason,
      };
    case "stats":
      return {
        ...turn,
        latencyMs: event.latencyMs,
        firstTokenMs: event.firstTokenMs,
        rounds: event.rounds,
        usage: event.usage,
        cost: event.cost,
        provider: event.provider ?? turn.provider,
        model: event.model ?? turn.model,
        state: turn.state === "streaming" ? "done" : turn.state,
      };
    case "error":
      return {
        ...turn,
        state: event.code === "aborted" ? "aborted" : "error",
        error: { code: event.code, message: event.message },
      };
    default:
      return turn;
  }
}

/** Longest result text shown for a server tool (search results can be large). */
const SERVER_RESULT_PREVIEW = 2000;

function ServerToolView(props: { part: Extract<Part, { kind: "server_tool" }> }) {
  const { part } = props;
  const result =
    part.result !== undefined && part.result.length > SERVER_RESULT_PREVIEW
      ? `${part.result.slice(0, SERVER_RESULT_PREVIEW)}…`
      : part.result;
  return (
    <div class={`tool-call ${part.isError ? "tool-error" : ""}`} data-testid="server-tool-call">
      <div class="tool-head">
        <span class="badge">server tool</span> <strong>{part.name}</strong>
        {part.server && <span> on {part.server}</span>}
      </div>
      {part.input !== undefined && <pre>{part.input}</pre>}
      {result !== undefined ? (
        <div class="tool-result">
          <span class="badge">{part.isError ? "error" : "result"}</span> <code>{result}</code>
        </div>
      ) : (
        <div class="pulse">running at the provider…</div>
      )}
    </div>
  );
}

function ToolCallView(props: { part: Extract<Part, { kind: "tool" }> }) {
  const { part } = props;
  return (
    <div class={`tool-call ${part.isError ? "tool-error" : ""}`} data-testid="tool-call">
      <div class="tool-head">
        <span class="badge">tool</span> <strong data-testid="tool-name">{part.name}</strong>
        {!part.complete && <span class="pulse"> streaming arguments…</span>}
      </div>
      <pre data-testid="tool-arguments">{part.arguments || "…"}</pre>
      {part.result !== undefined ? (
        <div class="tool-result" data-testid="tool-result">
          <span class="badge">{part.isError ? "error" : "result"}</span> <code>{part.result}</code>
        </div>
      ) : (
        part.complete && <div class="pulse">running on the server…</div>
      )}
    </div>
  );
}

function AssistantView(props: { turn: AssistantTurn }) {
  const { turn } = props;
  return (
    <div
      class={`turn assistant ${turn.state}`}
      data-testid="assistant-turn"
      data-state={turn.state}
    >
      {turn.parts.map((part, index) => {
        if (part.kind === "text")
          return (
            <div class="text" data-testid="assistant-text" key={index}>
              {part.text}
            </div>
          );
        if (part.kind === "reasoning") {
          return (
            <details class="reasoning" data-testid="reasoning" key={index}>
              <summary>Reasoning ({part.text.trim().split(/\s+/).length} words)</summary>
              <div>{part.text}</div>
            </details>
          );
        }
        if (part.kind === "server_tool") return <ServerToolView part={part} key={index} />;
        return <ToolCallView part={part} key={index} />;
      })}
      {turn.state === "streaming" && turn.parts.length === 0 && (
        <div class="pulse">waiting for the first token…</div>
      )}
      {turn.state === "aborted" && (
        <div class="stopped" data-testid="stopped">
          Stopped: the request was aborted.
        </div>
      )}
      <ErrorBox error={turn.state === "aborted" ? undefined : turn.error} />
      <div class="meta" data-testid="turn-meta">
        {turn.provider && (
          <span data-testid="answered-by">
            via <strong>{turn.provider}</strong>
            {turn.rule ? ` (${turn.rule})` : ""}
          </span>
        )}
        {turn.model && <span>model {turn.model}</span>}
        {turn.finishReason && <span>finish {turn.finishReason}</span>}
        {turn.firstTokenMs !== undefined && <span>first token {turn.firstTokenMs} ms</span>}
        {turn.latencyMs !== undefined && (
          <span data-testid="latency">total {turn.latencyMs} ms</span>
        )}
        {turn.rounds !== undefined && turn.rounds > 1 && <span>{turn.rounds} rounds</span>}
        {turn.state === "done" && (
          <span data-testid="usage">
            {turn.usage
              ? `${turn.usage.promptTokens} in / ${turn.usage.completionTokens} out${turn.usage.reasoningTokens ? ` (${turn.usage.reasoningTokens} reasoning)` : ""}`
              : "usage not reported"}
          </span>
        )}
        {turn.state === "done" && (
          <span
            data-testid="cost"
            title="the provider's reported price, or the model registry's prices per million tokens"
          >
            {formatTurnCost(turn.cost ?? null)}
          </span>
        )}
      </div>
    </div>
  );
}

/** How close to the page's bottom (px) still counts as reading the newest text. */
const BOTTOM_SLACK_PX = 96;

/**
 * Whether the reader is at the bottom of the page (updated on every scroll;
 * true until they scroll away): the chat follows new text only then.
 */
function useFollowBottom(): { current: boolean } {
  const following = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      const bottom = window.scrollY + window.innerHeight;
      following.current = bottom >= document.documentElement.scrollHeight - BOTTOM_SLACK_PX;
    };
    addEventListener("scroll", onScroll, { passive: true });
    return () => removeEventListener("scroll", onScroll);
  }, []);
  return following;
}

/** The chat page. */
export function ChatPage(props: { status: Status }) {
  const { status } = props;
  const [model, setModel] = useState(defaultModel(status, "chat"));
  const [input, setInput] = useState("");
  const [useTools, setUseTools] = useState(true);
  const [reasoning, setReasoning] = useState<ChatRequest["reasoning"] | "">("");
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversation, setConversation] = useState<Message[]>([]);
  const [busy, setBusy] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);
  const transcriptEnd = useRef<HTMLDivElement>(null);
  const following = useFollowBottom();

  // Auto-scroll: while the reader is at the bottom, each update brings the
  // newest text into view above the (sticky) message box; scrolling up stops it.
  useLayoutEffect(() => {
    if (following.current && turns.length > 0)
      transcriptEnd.current?.scrollIntoView({ block: "end" });
  }, [turns]);

  const send = async (event: Event) => {
    event.preventDefault();
    const question = input.trim();
    if (question === "" || busy || model.trim() === "") return;
    const messages: Message[] = [...conversation, { role: "user", content: question }];
    const abort = new AbortController();
    controller.current = abort;
    setBusy(true);
    setInput("");
    let turn: AssistantTurn = { role: "assistant", parts: [], state: "streaming" };
    const round = { value: 0 };
    let added: Message[] = [];
    setTurns((previous) => [...previous, { role: "user", text: question }, turn]);
    const update = (next: AssistantTurn) => {
      turn = next;
      setTurns((previous) => [...previous.slice(0, -1), next]);
    };
    try {
      await streamChat(
        { messages, model: model.trim(), tools: useTools, ...(reasoning ? { reasoning } : {}) },
        (streamEvent) => {
          if (streamEvent.type === "messages") added = streamEvent.messages;
          update(applyChatEvent(turn, streamEvent, round));
        },
        abort.signal,
      );
      if (turn.state === "streaming") update({ ...turn, state: "done" });
    } catch (error) {
      if (abort.signal.aborted) update({ ...turn, state: "aborted" });
      else if (error instanceof ApiCallError)
        update({ ...turn, state: "error", error: error.body });
      else update({ ...turn, state: "error", error: { code: "network", message: String(error) } });
    } finally {
      // Keep the conversation well-formed for the next turn: what the server confirmed, or the partial text.
      const partial = turn.parts
        .flatMap((part) => (part.kind === "text" ? [part.text] : []))
        .join("");
      if (added.length > 0) setConversation([...messages, ...added]);
      else if (partial !== "")
        setConversation([...messages, { role: "assistant", content: partial }]);
      else setConversation(conversation);
      controller.current = undefined;
      setBusy(false);
    }
  };

  return (
    <section class="page chat-page">
      <h2>Chat</h2>
      <Unavailable status={status} capability="chat" what="Chat" />
      <div class="toolbar">
        <ModelPicker
          status={status}
          capability="chat"
          value={model}
          onChange={setModel}
          testId="chat-model"
        />
        <label class="inline">
          <input
            type="checkbox"
            checked={useTools}
            onChange={(event) => setUseTools((event.target as HTMLInputElement).checked)}
          />{" "}
          demo tools ({status.tools.map((tool) => tool.name).join(", ")})
        </label>
        <label class="inline">
          reasoning
          <select
            value={reasoning}
            onChange={(event) =>
              setReasoning((event.target as HTMLSelectElement).value as ChatRequest["reasoning"])
            }
          >
            <option value="">default</option>
            <option value="low">low</option>
            <option value="medium">medium</option>
            <option value="high">high</option>
          </select>
        </label>
        <button
          type="button"
          class="secondary"
          disabled={busy || turns.length === 0}
          onClick={() => {
            setTurns([]);
            setConversation([]);
          }}
        >
          New chat
        </button>
      </div>
      <div class="transcript" data-testid="transcript">
        {turns.length === 0 && (
          <p class="hint">
            Ask something. Try “What is 12 * (3 + 4)?” or “What time is it in Oslo?” to see a tool
            call.
          </p>
        )}
        {turns.map((turn, index) =>
          turn.role === "user" ? (
            <div class="turn user" data-testid="user-turn" key={index}>
              {turn.text}
            </div>
          ) : (
            <AssistantView turn={turn} key={index} />
          ),
        )}
        <div class="transcript-end" ref={transcriptEnd} />
      </div>
      <form class="composer" onSubmit={send}>
        <textarea
          data-testid="chat-input"
          aria-label="Message"
          value={input}
          rows={2}
          placeholder="Message"
          onInput={(event) => setInput((event.target as HTMLTextAreaElement).value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) send(event);
          }}
        />
        {busy ? (
          <button
            type="button"
            class="stop"
            data-testid="chat-stop"
            onClick={() => controller.current?.abort()}
          >
            Stop
          </button>
        ) : (
          <button type="submit" data-testid="chat-send" disabled={model.trim() === ""}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}
