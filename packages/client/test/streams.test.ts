/**
 * Streams over the wire: leaving the loop early cancels the RPC (the
 * daemon's provider call sees its signal abort), and 200 concurrent streams
 * with distinct texts each get exactly their own text.
 */
import { type ChatEvent, Message } from "@ratatoskr/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServiceClient } from "../src/index.ts";
import { type RemoteSetup, remoteSetup } from "./support/gateways.ts";

describe("remote streams", () => {
  let remote: RemoteSetup;

  beforeEach(async () => {
    remote = await remoteSetup();
  });
  afterEach(() => remote.close());

  it("leaving the for await early cancels the RPC and the provider call", async () => {
    remote.mock.enqueueStream({
      events: Array.from({ length: 1000 }, (_, index) => ({
        type: "content" as const,
        text: `part ${index} `,
      })),
      delayMs: 5,
    });
    const seen: ChatEvent[] = [];
    for await (const event of remote.client.chatStream([Message.user("go")], { model: "mock-1" })) {
      seen.push(event);
      if (event.type === "content") break;
    }
    expect(seen.at(-1)).toEqual({ type: "content", text: "part 0 " });
    await expect.poll(() => remote.mock.callsOf("chatStream")[0]?.signal.aborted).toBe(true);
  });

  it("200 concurrent chat streams each get exactly their own text", async () => {
    const count = 200;
    const texts = Array.from(
      { length: count },
      (_, index) => `stream ${index} carries ${(index * 7919) % 1000} and word-${index}`,
    );
    const results = await Promise.all(
      texts.map(async (text) => {
        let content = "";
        let done = 0;
        for await (const event of remote.client.chatStream([Message.user(text)], {
          model: "mock-1",
        })) {
          if (event.type === "content") content += event.text;
          if (event.type === "done") done++;
        }
        return { content, done };
      }),
    );
    for (const [index, result] of results.entries()) {
      expect(result).toEqual({ content: `mock: ${texts[index]}`, done: 1 });
    }
    expect(remote.mock.callsOf("chatStream")).toHaveLength(count);
  });

  it("the Connect protocol (transport: connect) answers like gRPC", async () => {
    const connect = createServiceClient(remote.server.url, { transport: "connect" });
    try {
      const messages = [Message.user("over connect")];
      expect((await connect.chat(messages, { model: "mock-1" })).content).toBe(
        "mock: over connect",
      );
      let content = "";
      for await (const event of connect.chatStream(messages, { model: "mock-1" })) {
        if (event.type === "content") content += event.text;
      }
      expect(content).toBe("mock: over connect");
      await expect(connect.embed("", "mock-1")).rejects.toMatchObject({ code: "invalid_input" });
    } finally {
      await connect.close();
    }
  });
});
