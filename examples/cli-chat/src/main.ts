/**
 * The chat program: parse the arguments, pick the gateway, then run one
 * prompt (from argv or piped stdin) or an interactive REPL (stdin a TTY).
 * Returns the exit code; `cli.ts` wires it to the process and to Ctrl+C.
 */
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Message, RatatoskrError } from "@ratatoskr/gateway";
import { runAgentTurn } from "./agent-loop.ts";
import {
  type ChatGateway,
  configuredGateway,
  SCRIPTED_MODEL,
  scriptedGateway,
} from "./chat-gateway.ts";
import { LinePrinter, type TextSink } from "./line-printer.ts";
import { runTool, TOOL_DEFINITIONS } from "./tools.ts";

/** The sandbox `read_file` reads from by default (this package's `sandbox/`). */
export const DEFAULT_SANDBOX = fileURLToPath(new URL("../sandbox", import.meta.url));

/** The exit code of a chat stopped by Ctrl+C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

/** The program's surroundings (the process's, or a test's). */
export interface ChatIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted on Ctrl+C: cancels the stream in flight and ends the program
   * with {@link EXIT_INTERRUPTED}. `requestInterrupt` aborts it (the REPL's
   * readline catches Ctrl+C itself and calls it).
   */
  interrupt: AbortSignal;
  requestInterrupt: () => void;
}

const USAGE = `usage: cli-chat [--model <provider:model>] [--max-steps <n>] [--sandbox <dir>] [--delay-ms <n>] [prompt…]
  no prompt: read it from stdin, or chat interactively when stdin is a terminal
  --model     a real model (needs OPENAI_API_KEY, OPENROUTER_API_KEY or ANTHROPIC_API_KEY); default: the scripted model
  --delay-ms  the scripted model's pause between stream chunks (to watch it stream)`;

/** Run the chat with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: ChatIo): Promise<number> {
  const printer = new LinePrinter(io.stdout);
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const model = args.values.model ?? SCRIPTED_MODEL;
  const maxSteps = Number(args.values["max-steps"] ?? 6);
  const sandbox = args.values.sandbox ?? DEFAULT_SANDBOX;
  let chat: ChatGateway | undefined;
  try {
    chat =
      args.values.model === undefined
        ? await scriptedGateway({
            chunkDelayMs: Number(args.values["delay-ms"] ?? 0),
            stallAfterFirstContent: args.values["stall-after-first-content"] ?? false,
          })
        : await configuredGateway(io.env);
    printer.line(`[${model} — ${chat.description}]`);
    const messages: Message[] = [
      {
        role: "system",
        content: `You are a helpful assistant. Tools run in the sandbox ${sandbox}.`,
      },
    ];
    const turn = (prompt: string) => {
      messages.push({ role: "user", content: prompt });
      return runAgentTurn({
        gateway: chat!.gateway,
        model,
        messages,
        tools: TOOL_DEFINITIONS,
        runTool: (call) => runTool(call, sandbox),
        printer,
        signal: io.interrupt,
        maxSteps,
      });
    };
    const prompt = args.positionals.join(" ").trim();
    if (prompt !== "") await turn(prompt);
    else if (io.stdin.isTTY) await repl(io, printer, turn);
    else await turn((await readAll(io.stdin)).trim());
    return 0;
  } catch (error) {
    if (io.interrupt.aborted) {
      printer.line("[interrupted]");
      return EXIT_INTERRUPTED;
    }
    printer.endLine();
    io.stderr.write(`error: ${describeError(error)}\n`);
    return 1;
  } finally {
    await chat?.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      model: { type: "string" },
      "max-steps": { type: "string" },
      sandbox: { type: "string" },
      "delay-ms": { type: "string" },
      // For the tests: the scripted server stalls after its first word.
      "stall-after-first-content": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Read prompts line by line until end of input (Ctrl+D) or Ctrl+C. */
async function repl(io: ChatIo, printer: LinePrinter, turn: (prompt: string) => Promise<unknown>) {
  const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream });
  rl.on("SIGINT", io.requestInterrupt); // readline takes Ctrl+C from a raw terminal itself
  try {
    printer.line("Type a message (Ctrl+D to quit, Ctrl+C to stop).");
    while (!io.interrupt.aborted) {
      let line: string;
      try {
        line = await rl.question("> ", { signal: io.interrupt });
      } catch (error) {
        if (io.interrupt.aborted) throw error; // Ctrl+C at the prompt (readline ends the line)
        io.stdout.write("\n"); // end of input (Ctrl+D): end the prompt's line
        return;
      }
      if (line.trim() !== "") await turn(line.trim());
    }
    io.interrupt.throwIfAborted();
  } finally {
    rl.close();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: string[] = [];
  stream.setEncoding("utf8");
  for await (const part of stream) parts.push(part as string);
  return parts.join("");
}

function describeError(error: unknown): string {
  if (RatatoskrError.isInstance(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
