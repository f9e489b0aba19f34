/**
 * `chat` and `generate`: stream the answer to stdout (NDJSON events with
 * `--json`). The prompt comes from the arguments, or from stdin when it is
 * piped. Reasoning shows only on a terminal, dimmed unless `NO_COLOR`.
 */
import { describeWarning, type Message, type Warning } from "@ratatoskr/core";
import type { Command } from "commander";
import { type CliContext, parseNumber, parsePositiveInteger } from "../cli-context.ts";
import { EXIT_CODES } from "../exit-codes.ts";
import type { Runner } from "./info-commands.ts";

const DIM = "\u001b[2m";
const UNDIM = "\u001b[22m";

interface SamplingFlags {
  model?: string;
  temperature?: string;
  maxTokens?: string;
}

function sampling(flags: SamplingFlags): { temperature?: number; maxTokens?: number } {
  return {
    ...(flags.temperature === undefined
      ? {}
      : { temperature: parseNumber(flags.temperature, "--temperature") }),
    ...(flags.maxTokens === undefined
      ? {}
      : { maxTokens: parsePositiveInteger(flags.maxTokens, "--max-tokens") }),
  };
}

function warnAll(ctx: CliContext, warnings: readonly Warning[] | undefined): void {
  for (const warning of warnings ?? [])
    ctx.warn(`warning: ${warning.provider}: ${describeWarning(warning)}`);
}

/** Writes streamed text, keeping track of the line end and of reasoning. */
class StreamPrinter {
  #ctx: CliContext;
  #showReasoning: boolean;
  #color: boolean;
  #inReasoning = false;
  #atLineStart = true;

  constructor(ctx: CliContext) {
    this.#ctx = ctx;
    this.#showReasoning = ctx.io.isTTY;
    this.#color = ctx.io.isTTY && !ctx.io.env.NO_COLOR;
  }

  #write(text: string): void {
    if (text === "") return;
    this.#ctx.print(text);
    this.#atLineStart = text.endsWith("\n");
  }

  reasoning(text: string): void {
    if (!this.#showReasoning) return;
    this.#inReasoning = true;
    this.#write(this.#color ? `${DIM}${text}${UNDIM}` : text);
  }

  content(text: string): void {
    if (this.#inReasoning) {
      this.#inReasoning = false;
      if (!this.#atLineStart) this.#write("\n");
      this.#write("\n");
    }
    this.#write(text);
  }

  end(): void {
    if (!this.#atLineStart) this.#write("\n");
  }
}

/** Register `chat` and `generate` on `program`. */
export function registerChatCommands(program: Command, ctx: CliContext, run: Runner): void {
  program
    .command("chat")
    .description("one chat turn, streamed to stdout (the prompt from the arguments or stdin)")
    .argument("[prompt...]", "the user message (default: stdin, when piped)")
    .option("-m, --model <model>", "model or preset (default: $RATATOSKR_MODEL)")
    .option("-s, --system <text>", "a system message")
    .option("-t, --temperature <number>", "sampling temperature")
    .option("--max-tokens <n>", "most tokens to generate")
    .action((words: string[], flags: SamplingFlags & { system?: string }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const settings = sampling(flags);
        const prompt = await ctx.prompt(words);
        const messages: Message[] = [
          ...(flags.system === undefined
            ? []
            : [{ role: "system" as const, content: flags.system }]),
          { role: "user", content: prompt },
        ];
        const gateway = await ctx.gateway();
        const printer = new StreamPrinter(ctx);
        await ctx.withProgress(gateway, model, async () => {
          const stream = gateway.chatStream(messages, { model, ...settings, ...ctx.callOptions() });
          for await (const event of stream) {
            if (ctx.flags.json) ctx.printJson(event);
            else if (event.type === "content") printer.content(event.text);
            else if (event.type === "reasoning") printer.reasoning(event.text);
            else if (event.type === "done") warnAll(ctx, event.warnings);
          }
        });
        if (!ctx.flags.json) printer.end();
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("generate")
    .description("raw text completion, streamed to stdout (the prompt from the arguments or stdin)")
    .argument("[prompt...]", "the prompt (default: stdin, when piped)")
    .option("-m, --model <model>", "model or preset (default: $RATATOSKR_MODEL)")
    .option("-t, --temperature <number>", "sampling temperature")
    .option("--max-tokens <n>", "most tokens to generate")
    .action((words: string[], flags: SamplingFlags) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const settings = sampling(flags);
        const prompt = await ctx.prompt(words);
        const gateway = await ctx.gateway();
        const printer = new StreamPrinter(ctx);
        await ctx.withProgress(gateway, model, async () => {
          const stream = gateway.generateStream(prompt, {
            model,
            ...settings,
            ...ctx.callOptions(),
          });
          for await (const event of stream) {
            if (ctx.flags.json) ctx.printJson(event);
            else if (event.type === "text") printer.content(event.text);
            else if (event.type === "done") warnAll(ctx, event.warnings);
          }
        });
        if (!ctx.flags.json) printer.end();
        return EXIT_CODES.ok;
      }),
    );
}
