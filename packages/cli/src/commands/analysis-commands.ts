/**
 * `embed`, `nli`, `classify`, `stance`, `tokens`: one call each, printed
 * as text or (`--json`) as the gateway's result.
 */
import type { Command } from "commander";
import type { CliContext } from "../cli-context.ts";
import { UsageError } from "../cli-errors.ts";
import { EXIT_CODES } from "../exit-codes.ts";
import type { Runner } from "./info-commands.ts";

const MODEL_HELP = "model or preset (default: $RATATOSKR_MODEL)";

function score(value: number): string {
  return value.toFixed(4);
}

/** `label` then each score, highest first, one per line. */
function scoreLines(label: string, scores: Record<string, number>): string {
  const entries = Object.entries(scores).sort(([, a], [, b]) => b - a);
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    label,
    ...entries.map(([name, value]) => `  ${name.padEnd(width)}  ${score(value)}`),
  ].join("\n");
}

/** Register the analysis commands on `program`. */
export function registerAnalysisCommands(program: Command, ctx: CliContext, run: Runner): void {
  program
    .command("embed")
    .description("embed texts: one vector per text, as a JSON array per line")
    .argument("<text...>", "the texts")
    .option("-m, --model <model>", MODEL_HELP)
    .action((texts: string[], flags: { model?: string }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const gateway = await ctx.gateway();
        const embeddings = await ctx.withProgress(gateway, model, () =>
          gateway.embedBatch(texts, model, ctx.callOptions()),
        );
        ctx.output(embeddings, () =>
          embeddings.map((embedding) => JSON.stringify(embedding.values)).join("\n"),
        );
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("nli")
    .description("natural-language inference: entailment, neutral, contradiction")
    .argument("<premise>", "the premise")
    .argument("<hypothesis>", "the hypothesis")
    .option("-m, --model <model>", MODEL_HELP)
    .action((premise: string, hypothesis: string, flags: { model?: string }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const gateway = await ctx.gateway();
        const result = await ctx.withProgress(gateway, model, () =>
          gateway.inferNli(premise, hypothesis, model, ctx.callOptions()),
        );
        ctx.output(result, () =>
          scoreLines(result.label, {
            entailment: result.entailment,
            neutral: result.neutral,
            contradiction: result.contradiction,
          }),
        );
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("classify")
    .description("zero-shot classification of a text against candidate labels")
    .argument("<text>", "the text")
    .requiredOption("-l, --labels <labels>", "comma-separated candidate labels")
    .option("--multi-label", "score each label independently")
    .option("-m, --model <model>", MODEL_HELP)
    .action((text: string, flags: { labels: string; multiLabel?: boolean; model?: string }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const labels = flags.labels
          .split(",")
          .map((label) => label.trim())
          .filter((label) => label !== "");
        if (labels.length === 0) throw new UsageError("--labels needs at least one label");
        const gateway = await ctx.gateway();
        const result = await ctx.withProgress(gateway, model, () =>
          gateway.classifyZeroShot(text, labels, model, {
            ...ctx.callOptions(),
            ...(flags.multiLabel === true ? { multiLabel: true } : {}),
          }),
        );
        ctx.output(result, () => scoreLines(result.topLabel, result.scores));
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("stance")
    .description("the stance of a text toward a target: favor, against, neutral")
    .argument("<text>", "the text")
    .requiredOption("--target <target>", "what the stance is about")
    .option("-m, --model <model>", MODEL_HELP)
    .action((text: string, flags: { target: string; model?: string }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const gateway = await ctx.gateway();
        const result = await ctx.withProgress(gateway, model, () =>
          gateway.classifyStance(text, flags.target, model, ctx.callOptions()),
        );
        ctx.output(result, () =>
          scoreLines(result.label, {
            favor: result.favor,
            against: result.against,
            neutral: result.neutral,
          }),
        );
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("tokens")
    .description("count a text's tokens for a model, or list them with --tokens")
    .argument("<text>", "the text")
    .option("-m, --model <model>", MODEL_HELP)
    .option("--tokens", "list the tokens: start, end, id and text (UTF-16 offsets)")
    .action((text: string, flags: { model?: string; tokens?: boolean }) =>
      run(async () => {
        const model = ctx.model(flags.model);
        const gateway = await ctx.gateway();
        if (flags.tokens === true) {
          const result = await ctx.withProgress(gateway, model, () =>
            gateway.tokenize(text, model, ctx.callOptions()),
          );
          ctx.output(result, () =>
            result.tokens
              .map(
                (token) =>
                  `${token.start}\t${token.end}\t${token.id}\t${JSON.stringify(token.text)}`,
              )
              .join("\n"),
          );
        } else {
          const result = await ctx.withProgress(gateway, model, () =>
            gateway.countTokens(text, model, ctx.callOptions()),
          );
          if (result.approximate && !ctx.flags.json)
            ctx.warn(`note: approximate count (${result.source})`);
          ctx.output(result, () => String(result.count));
        }
        return EXIT_CODES.ok;
      }),
    );
}
