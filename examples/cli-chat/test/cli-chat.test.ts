/**
 * The chat end to end through the real gateway and the real
 * OpenAI-compatible provider, against the scripted loopback model.
 */
import { PassThrough } from "node:stream";
import { type ChatEvent, ChatStreamAccumulator, Message, Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import { afterEach, describe, expect, it } from "vitest";
import { runAgentTurn } from "../src/agent-loop.ts";
import { LinePrinter } from "../src/line-printer.ts";
import { DEFAULT_SANDBOX, main } from "../src/main.ts";
import {
  REASONING_SIGNATURE,
  type ScriptedModelServer,
  startScriptedModelServer,
} from "../src/scripted-model-server.ts";
import { runTool, TOOL_DEFINITIONS } from "../src/tools.ts";

const PROMPT = "What is (17 + 25) * 3 and what does recipe.txt say?";

function collector() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}

async function runMain(argv: string[]) {
  const stdout = collector();
  const stderr = collector();
  const controller = new AbortController();
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    interrupt: controller.signal,
    requestInterrupt: () => controller.abort(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function scriptedGateway() {
  server = await startScriptedModelServer();
  return Ratatoskr.builder()
    .use(createOpenAICompatible({ id: "scripted", baseURL: server.url }))
    .build();
}

describe("the tool loop", () => {
  it("runs the tools the model calls and answers from their results", async () => {
    const { code, stdout, stderr } = await runMain([PROMPT]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain('→ calculator({"expression":"(17 + 25) * 3"})');
    expect(stdout).toContain("← calculator: 126");
    expect(stdout).toContain('→ read_file({"path":"recipe.txt"})');
    expect(stdout).toContain(
      "From the tools: (17 + 25) * 3 = 126; read_file says: Sourdough starter",
    );
    expect(stdout).toMatch(/\[step 1: tool_calls, usage: \d+ in, \d+ out\]/);
    expect(stdout).toMatch(/\[step 2: stop, usage: \d+ in, \d+ out\]/);
  });

  it("rebuilds tool calls from argument deltas split across chunks and interleaved", async () => {
    const gateway = await scriptedGateway();
    const events: ChatEvent[] = [];
    const accumulator = new ChatStreamAccumulator();
    for await (const event of gateway.chatStream([Message.user(PROMPT)], {
      model: "scripted:agent-1",
      tools: TOOL_DEFINITIONS,
    })) {
      events.push(event);
      accumulator.push(event);
    }
    const deltas = events.filter((event) => event.type === "tool_call_delta");
    // Several pieces per call, and the two calls' pieces alternate.
    expect(deltas.filter((event) => event.index === 0).length).toBeGreaterThan(3);
    expect(deltas.slice(0, 4).map((event) => event.index)).toEqual([0, 1, 0, 1]);
    expect(accumulator.toResponse().toolCalls).toEqual([
      { id: "call_1", name: "calculator", arguments: '{"expression":"(17 + 25) * 3"}' },
      { id: "call_2", name: "read_file", arguments: '{"path":"recipe.txt"}' },
    ]);
    await gateway.dispose();
  });

  it("sends the signed reasoning back with the assistant's tool calls", async () => {
    const gateway = await scriptedGateway();
    const messages: Message[] = [Message.user("Compute 6 * 7 please")];
    const result = await runAgentTurn({
      gateway,
      model: "scripted:agent-1",
      messages,
      tools: TOOL_DEFINITIONS,
      runTool: (call) => runTool(call, DEFAULT_SANDBOX),
      printer: new LinePrinter({ write: () => undefined }),
      signal: new AbortController().signal,
    });
    expect(result.toolRuns.map((run) => run.result)).toEqual(["42"]);
    expect(result.final.content).toBe("From the tools: 6 * 7 = 42.");
    expect(messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    const secondRequest = server!.requests[1]!;
    const assistant = secondRequest.messages.find((message) => message.role === "assistant");
    expect(assistant?.reasoning_details).toEqual([
      expect.objectContaining({
        type: "reasoning.text",
        text: "Decide whether a tool helps.",
        signature: REASONING_SIGNATURE,
      }),
    ]);
    await gateway.dispose();
  });

  it("stops after maxSteps when the model keeps calling tools", async () => {
    const gateway = await scriptedGateway();
    const result = await runAgentTurn({
      gateway,
      model: "scripted:agent-1",
      messages: [Message.user("2 + 2")],
      tools: TOOL_DEFINITIONS,
      runTool: (call) => runTool(call, DEFAULT_SANDBOX),
      printer: new LinePrinter({ write: () => undefined }),
      signal: new AbortController().signal,
      maxSteps: 1,
    });
    expect(result).toMatchObject({ steps: 1, stepLimitReached: true, toolRuns: [] });
    await gateway.dispose();
  });
});

describe("the tools", () => {
  const call = (name: string, args: unknown) => ({
    id: "c",
    name,
    arguments: JSON.stringify(args),
  });

  it("calculator evaluates arithmetic and reports bad input as a result", async () => {
    expect(
      await runTool(call("calculator", { expression: "2 ^ 10 - (3 + 1) * 2.5" }), DEFAULT_SANDBOX),
    ).toBe("1014");
    expect(await runTool(call("calculator", { expression: "1 / 0" }), DEFAULT_SANDBOX)).toBe(
      "error: division by zero",
    );
    expect(await runTool(call("calculator", { expression: "2 +" }), DEFAULT_SANDBOX)).toMatch(
      /^error: /,
    );
  });

  it("read_file reads inside the sandbox only", async () => {
    expect(await runTool(call("read_file", { path: "recipe.txt" }), DEFAULT_SANDBOX)).toMatch(
      /^Sourdough/,
    );
    expect(await runTool(call("read_file", { path: "../package.json" }), DEFAULT_SANDBOX)).toBe(
      'error: "../package.json" is outside the sandbox',
    );
    expect(await runTool({ id: "c", name: "read_file", arguments: "{" }, DEFAULT_SANDBOX)).toMatch(
      /^error: the arguments are not valid JSON/,
    );
  });
});
