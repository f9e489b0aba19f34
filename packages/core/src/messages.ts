/**
 * Chat messages. `Message` is a discriminated union on `role`; the
 * `Message.*` constructors build each kind.
 */
import type { ServerToolCall, ServerToolResult } from "./server-tools.ts";
import type { ToolCall } from "./tools.ts";

/** Who wrote a message. */
export type Role = "system" | "user" | "assistant" | "tool";

/**
 * One piece of a model's reasoning that must be sent back unchanged on the
 * next turn (Anthropic thinking blocks with signatures, OpenRouter
 * `reasoning_details`, …).
 */
export type ReasoningDetail =
  /** Readable reasoning text; `signature` is the provider's integrity token, if any. */
  | {
      /** Readable reasoning. */
      type: "text";
      /** The reasoning text. */
      text: string;
      /** The provider's integrity token for the text, when it gave one. */
      signature?: string;
      /** The provider that produced it. */
      provider?: string;
    }
  /** Reasoning the provider returned encrypted/redacted; `data` is opaque. */
  | {
      /** Encrypted or redacted reasoning. */
      type: "redacted";
      /** The opaque payload, sent back as is. */
      data: string;
      /** The provider that produced it. */
      provider?: string;
    }
  /** A provider-specific record kept verbatim (e.g. one OpenRouter `reasoning_details` entry). */
  | {
      /** A provider-specific record. */
      type: "opaque";
      /** The provider whose record it is (only that provider is sent it back). */
      provider: string;
      /** The record, verbatim. */
      value: unknown;
    };

/** Instructions for the model. Several are allowed; providers keep all of them, in order. */
export interface SystemMessage {
  /** Always `"system"`. */
  role: "system";
  /** The instructions. */
  content: string;
}

/** A user turn. */
export interface UserMessage {
  /** Always `"user"`. */
  role: "user";
  /** What the user wrote. */
  content: string;
  /** Optional participant name, for providers that accept one. */
  name?: string;
}

/** A model turn: text, tool calls, and the reasoning that produced them. */
export interface AssistantMessage {
  /** Always `"assistant"`. */
  role: "assistant";
  /** The model's text (empty when the turn is only tool calls). */
  content: string;
  /** The client tool calls the model made; each is answered by a {@link ToolMessage}. */
  toolCalls?: ToolCall[];
  /** Tools the provider ran itself in this turn; sent back to the provider that ran them. */
  serverToolCalls?: ServerToolCall[];
  /** Their results; sent back to the provider that ran them. */
  serverToolResults?: ServerToolResult[];
  /** Reasoning text, for display. */
  reasoning?: string;
  /** Reasoning to send back verbatim on the next turn (signatures, encrypted blocks). */
  reasoningDetails?: ReasoningDetail[];
}

/** The result of a tool call, answering the assistant's call with `toolCallId`. */
export interface ToolMessage {
  /** Always `"tool"`. */
  role: "tool";
  /** The tool's output, as text (JSON or plain). */
  content: string;
  /** The `id` of the {@link ToolCall} it answers. */
  toolCallId: string;
  /** The tool's name, for providers that want it. */
  name?: string;
}

/** A chat message. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** Constructors for each kind of {@link Message}. */
export const Message = {
  /** A system message: instructions for the model. */
  system(content: string): SystemMessage {
    return { role: "system", content };
  },
  /** A user turn; `name` (the participant's name) is set only when given. */
  user(content: string, name?: string): UserMessage {
    return name === undefined ? { role: "user", content } : { role: "user", content, name };
  },
  /** A model turn with text only (an earlier reply, replayed as history). */
  assistant(content: string): AssistantMessage {
    return { role: "assistant", content };
  },
  /** A model turn that called tools; answer each call with {@link Message.toolResult}. */
  assistantWithToolCalls(content: string, toolCalls: ToolCall[]): AssistantMessage {
    return { role: "assistant", content, toolCalls };
  },
  /**
   * The result of the tool call `toolCallId` (the {@link ToolCall}'s `id`);
   * `name`, the tool's name, is set only when given.
   */
  toolResult(toolCallId: string, content: string, name?: string): ToolMessage {
    return name === undefined
      ? { role: "tool", content, toolCallId }
      : { role: "tool", content, toolCallId, name };
  },
} as const;
