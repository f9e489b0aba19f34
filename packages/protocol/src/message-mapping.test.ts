import { create } from "@bufbuild/protobuf";
import { type AssistantMessage, Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { throughWire } from "../test/support/through-wire.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  messageFromProto,
  messageToProto,
  reasoningDetailFromProto,
  reasoningDetailToProto,
} from "./message-mapping.ts";
import type { WireWarning } from "./warning-mapping.ts";

function roundTrip(message: Message): Message {
  return messageFromProto(throughWire(pb.MessageSchema, messageToProto(message)));
}

const assistant: AssistantMessage = {
  role: "assistant",
  content: "Searching, then calling.",
  toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }],
  reasoning: "I should search.",
  reasoningDetails: [
    { type: "text", text: "I should search.", signature: "sig==", provider: "anthropic" },
    { type: "redacted", data: "ZW5jcnlwdGVk", provider: "anthropic" },
    {
      type: "opaque",
      provider: "openrouter",
      value: { type: "reasoning.encrypted", data: "x", index: 0 },
    },
  ],
  serverToolCalls: [
    {
      id: "srv_1",
      name: "web_search",
      input: { query: "x" },
      server: "search-mcp",
      contentOffset: 11,
      record: { provider: "anthropic", value: { type: "server_tool_use", id: "srv_1" } },
    },
  ],
  serverToolResults: [
    {
      toolCallId: "srv_1",
      name: "web_search",
      content: [{ url: "https://example.com", title: "Example" }],
      isError: false,
      contentOffset: 11,
      record: { provider: "anthropic", value: { type: "web_search_tool_result" } },
    },
  ],
};

describe("messages through the wire", () => {
  it.each([
    Message.system("Be brief."),
    Message.user("Hi", "ann"),
    Message.user("Hi"),
    Message.assistant(""),
    Message.toolResult("call_1", '{"answer":42}', "lookup"),
    assistant,
  ])("a %j message comes back the same", (message) => {
    expect(roundTrip(message)).toEqual(message);
  });

  it("an unset or unknown role is invalid_input naming the field (data when a server sent it)", () => {
    const unset = create(pb.MessageSchema, { content: "hi" });
    expect(() => messageFromProto(unset, "request", "messages[3]")).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        message: expect.stringMatching(
          /^messages\[3\]\.role must be ROLE_SYSTEM, .* got ROLE_UNSPECIFIED$/,
        ),
        details: { field: "messages[3].role" },
      }),
    );
    const unknown = create(pb.MessageSchema, { role: 9 as pb.Role });
    expect(() => messageFromProto(unknown, "response")).toThrow(
      expect.objectContaining({ code: "data", message: expect.stringContaining("got 9") }),
    );
  });

  it("what only an assistant (or a tool message) carries is dropped elsewhere, with a warning", () => {
    const warnings: WireWarning[] = [];
    const system = create(pb.MessageSchema, {
      role: pb.Role.SYSTEM,
      content: "rules",
      name: "admin",
      toolCalls: [{ id: "c", name: "n", arguments: "{}" }],
      toolCallId: "c",
    });
    expect(messageFromProto(system, "request", "messages[0]", warnings)).toEqual(
      Message.system("rules"),
    );
    expect(warnings.map((warning) => warning.type === "other" && warning.message)).toEqual([
      "messages[0].name was dropped: system messages carry no participant name in Ratatoskr",
      "messages[0].toolCalls was dropped: only assistant messages carry it",
      "messages[0].toolCallId was dropped: only tool messages carry it",
    ]);
  });

  it("a reasoning detail with no kind, or an opaque value that is not JSON, is a typed error", () => {
    expect(() =>
      reasoningDetailFromProto(create(pb.ReasoningDetailSchema), "response", "d"),
    ).toThrow(
      expect.objectContaining({
        code: "data",
        message: "d must set one of text, redacted or opaque",
      }),
    );
    const broken = create(pb.ReasoningDetailSchema, {
      kind: { case: "opaque", value: { provider: "openrouter", valueJson: "{oops" } },
    });
    expect(() =>
      reasoningDetailFromProto(broken, "request", "messages[1].reasoningDetails[0]"),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        details: { field: "messages[1].reasoningDetails[0].valueJson" },
      }),
    );
    let thrown: unknown;
    try {
      reasoningDetailToProto({ type: "mystery" } as never, "request", "d");
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown, "invalid_input")).toBe(true);
  });
});
