import type { MockProvider } from "@ratatoskr/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { listedMock, runWith } from "./test-helpers.ts";

let mock: MockProvider;
beforeEach(() => {
  mock = listedMock();
});

const REASONED = [
  { type: "reasoning" as const, text: "thinking hard" },
  { type: "content" as const, text: "the answer" },
  { type: "done" as const, finishReason: "stop" as const },
];

describe("rat chat", () => {
  it("streams the answer to stdout with a final newline", async () => {
    const result = await runWith(mock, ["chat", "-m", "demo-chat", "hello", "there"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("mock: hello there\n");
    expect(result.stderr).toBe("");
  });

  it("reads the prompt from piped stdin when there are no prompt arguments", async () => {
    const result = await runWith(mock, ["chat", "-m", "demo-chat"], { stdin: "from a pipe\n" });
    expect(result.stdout).toBe("mock: from a pipe\n");
    expect(mock.callsOf("chatStream")[0]?.request.messages).toEqual([
      { role: "user", content: "from a pipe" },
    ]);
  });

  it("prefers prompt arguments over stdin, and refuses no prompt at all (exit 2)", async () => {
    const args = await runWith(mock, ["chat", "-m", "demo-chat", "args"], { stdin: "pipe" });
    expect(args.stdout).toBe("mock: args\n");
    const none = await runWith(mock, ["chat", "-m", "demo-chat"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no prompt");
    const empty = await runWith(mock, ["chat", "-m", "demo-chat"], { stdin: "  \n" });
    expect(empty.code).toBe(2);
  });

  it("sends --system, --temperature and --max-tokens", async () => {
    await runWith(mock, [
      "chat",
      "-m",
      "demo-chat",
      "--system",
      "be brief",
      "--temperature",
      "0.3",
      "--max-tokens",
      "12",
      "hi",
    ]);
    const request = mock.callsOf("chatStream")[0]?.request;
    expect(request?.messages[0]).toEqual({ role: "system", content: "be brief" });
    expect(request?.settings).toMatchObject({ temperature: 0.3, maxTokens: 12 });
  });

  it("--json streams NDJSON events ending with done", async () => {
    const result = await runWith(mock, ["--json", "chat", "-m", "demo-chat", "hi"]);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(
      events
        .filter((event) => event.type === "content")
        .map((event) => event.text)
        .join(""),
    ).toBe("mock: hi");
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "stop", provider: "mock" });
  });

  it("shows reasoning dimmed on a terminal, plain with NO_COLOR, and not at all when piped", async () => {
    mock.enqueueStream(REASONED).enqueueStream(REASONED).enqueueStream(REASONED);
    const tty = await runWith(mock, ["chat", "-m", "demo-chat", "q"], { isTTY: true });
    expect(tty.stdout).toBe("\u001b[2mthinking hard\u001b[22m\n\nthe answer\n");
    const noColor = await runWith(mock, ["chat", "-m", "demo-chat", "q"], {
      isTTY: true,
      env: { NO_COLOR: "1" },
    });
    expect(noColor.stdout).toBe("thinking hard\n\nthe answer\n");
    const piped = await runWith(mock, ["chat", "-m", "demo-chat", "q"]);
    expect(piped.stdout).toBe("the answer\n");
  });
});

describe("rat generate", () => {
  it("streams the completion; --json gives events", async () => {
    const text = await runWith(mock, ["generate", "-m", "demo-chat", "once", "upon"]);
    expect(text.code).toBe(0);
    expect(text.stdout.endsWith("\n")).toBe(true);
    expect(text.stdout).toContain("once upon");
    const json = await runWith(mock, ["generate", "--json", "-m", "demo-chat"], {
      stdin: "a time",
    });
    const events = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)?.type).toBe("done");
    expect(mock.callsOf("generateStream").at(-1)?.request.prompt).toBe("a time");
  });
});
