/**
 * The memory manager as a program: take an agent's notes, drop the
 * duplicates, flag contradictions, show each note's stance toward a topic,
 * and build the prompt for a query from the notes that fit the context
 * window. `cli.ts` runs {@link main} on the process.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  loadConfiguredProviders,
  type ModelGateway,
  Ratatoskr,
  RatatoskrError,
} from "@ratatoskr/gateway";
import { createLexiconProvider } from "./lexicon-provider.ts";
import {
  type Contradiction,
  type Deduplicated,
  deduplicate,
  type FittedContext,
  findContradictions,
  fitToContext,
  stancesToward,
} from "./memory.ts";

/** The notes the demo starts from: one planted duplicate (2/4) and one planted contradiction (1/5). */
export const SAMPLE_NOTES: readonly string[] = [
  "Alice is allergic to peanuts.",
  "Alice prefers tea over coffee in the morning.",
  "The project deadline is Friday the 14th.",
  "In the morning, Alice prefers tea over coffee.",
  "Alice is not allergic to peanuts.",
  "Alice loves working remotely from the cabin.",
  "Bob hates remote work because the cabin wifi is slow.",
  "The cabin has a wood stove and a lake view.",
  "Bob's birthday is on the 3rd of May.",
];

/** The models and settings of one run. */
export interface MemoryRunOptions {
  notes: readonly string[];
  topic: string;
  query: string;
  embeddingModel: string;
  nliModel: string;
  stanceModel: string;
  /** The chat model the prompt is for (its tokenizer counts). */
  chatModel: string;
  contextWindow: number;
  reserveOutput: number;
  duplicateThreshold: number;
}

/** The defaults: the lexicon provider for every model, a deliberately small context window. */
export const DEFAULT_RUN: MemoryRunOptions = {
  notes: SAMPLE_NOTES,
  topic: "remote work",
  query: "Plan a remote work week at the cabin for Alice and Bob.",
  embeddingModel: "lexicon:bow-embed",
  nliModel: "lexicon:nli",
  stanceModel: "lexicon:nli",
  chatModel: "lexicon:words",
  contextWindow: 72,
  reserveOutput: 16,
  duplicateThreshold: 0.9,
};

/** Everything one run found. */
export interface MemoryReport {
  deduplicated: Deduplicated;
  contradictions: Contradiction[];
  stances: Awaited<ReturnType<typeof stancesToward>>;
  context: FittedContext;
}

/** Run the four steps on `gateway`. */
export async function manageMemory(
  gateway: ModelGateway,
  run: MemoryRunOptions,
): Promise<MemoryReport> {
  const deduplicated = await deduplicate(
    gateway,
    run.notes,
    run.embeddingModel,
    run.duplicateThreshold,
  );
  const contradictions = await findContradictions(gateway, deduplicated.kept, run.nliModel);
  const stances = await stancesToward(gateway, deduplicated.kept, run.topic, run.stanceModel);
  const context = await fitToContext(gateway, {
    query: run.query,
    notes: deduplicated.kept,
    vectors: deduplicated.vectors,
    embeddingModel: run.embeddingModel,
    chatModel: run.chatModel,
    contextWindow: run.contextWindow,
    reserveOutput: run.reserveOutput,
  });
  return { deduplicated, contradictions, stances, context };
}

/** The report as text. */
export function formatReport(run: MemoryRunOptions, report: MemoryReport): string {
  const lines = [`${run.notes.length} notes`, ""];
  lines.push(`Duplicates (cosine ≥ ${run.duplicateThreshold}, ${run.embeddingModel}):`);
  for (const { note, duplicateOf, similarity } of report.deduplicated.duplicates) {
    lines.push(`  "${note}" ≈ "${duplicateOf}" (${similarity.toFixed(3)})`);
  }
  if (report.deduplicated.duplicates.length === 0) lines.push("  none");
  lines.push("", `Contradictions (NLI, ${run.nliModel}):`);
  for (const { a, b, score } of report.contradictions)
    lines.push(`  "${a}" ⟂ "${b}" (${score.toFixed(3)})`);
  if (report.contradictions.length === 0) lines.push("  none");
  lines.push("", `Stance toward "${run.topic}" (${run.stanceModel}):`);
  for (const { note, stance } of report.stances) {
    lines.push(`  ${stance.label.padEnd(7)} ${stance[stance.label].toFixed(2)}  ${note}`);
  }
  const { fit, included, left } = report.context;
  lines.push(
    "",
    `Context for "${run.query}" (${run.chatModel}, window ${fit.contextWindow}, ${fit.reserveOutput} kept for the answer):`,
    ...included.map((note) => `  + ${note}`),
    ...left.map((note) => `  - ${note} (does not fit)`),
    `  ${fit.promptTokens} prompt tokens + ${fit.reserveOutput} reserved = ${fit.promptTokens + fit.reserveOutput} of ${fit.contextWindow} (margin ${fit.margin}, ${fit.source})`,
  );
  return `${lines.join("\n")}\n`;
}

/** The gateway: the lexicon provider, plus the configured real providers when a model flag names one. */
export async function memoryGateway(
  env: Readonly<Record<string, string | undefined>>,
  real: boolean,
) {
  const builder = Ratatoskr.builder().use(createLexiconProvider());
  if (real) {
    const { providers } = await loadConfiguredProviders(env, {
      only: ["huggingface", "tokenizers"],
    });
    for (const loaded of providers) builder.use(loaded);
  }
  return builder.build();
}

/** Where the program writes. */
export interface MemoryIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: memory-manager [--notes <file>] [--topic <text>] [--query <text>]
  [--embedding-model m] [--nli-model m] [--stance-model m] [--chat-model m]
  [--context-window n] [--reserve n] [--threshold x]
  --notes: one note per line (default: a built-in set with a planted duplicate and contradiction)
  models default to the in-process lexicon provider; e.g. --embedding-model hf:sentence-transformers/all-MiniLM-L6-v2 with HF_TOKEN set`;

/** Run the program with `argv`; resolves to the exit code. */
export async function main(argv: readonly string[], io: MemoryIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        notes: { type: "string" },
        topic: { type: "string" },
        query: { type: "string" },
        "embedding-model": { type: "string" },
        "nli-model": { type: "string" },
        "stance-model": { type: "string" },
        "chat-model": { type: "string" },
        "context-window": { type: "string" },
        reserve: { type: "string" },
        threshold: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const notes =
      values.notes === undefined
        ? DEFAULT_RUN.notes
        : (await readFile(values.notes, "utf8"))
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean);
    const run: MemoryRunOptions = {
      notes,
      topic: values.topic ?? DEFAULT_RUN.topic,
      query: values.query ?? DEFAULT_RUN.query,
      embeddingModel: values["embedding-model"] ?? DEFAULT_RUN.embeddingModel,
      nliModel: values["nli-model"] ?? DEFAULT_RUN.nliModel,
      stanceModel: values["stance-model"] ?? DEFAULT_RUN.stanceModel,
      chatModel: values["chat-model"] ?? DEFAULT_RUN.chatModel,
      contextWindow: Number(values["context-window"] ?? DEFAULT_RUN.contextWindow),
      reserveOutput: Number(values.reserve ?? DEFAULT_RUN.reserveOutput),
      duplicateThreshold: Number(values.threshold ?? DEFAULT_RUN.duplicateThreshold),
    };
    const real = ["embedding-model", "nli-model", "stance-model", "chat-model"].some(
      (flag) => values[flag as keyof typeof values] !== undefined,
    );
    const gateway = await memoryGateway(io.env, real);
    try {
      io.stdout.write(formatReport(run, await manageMemory(gateway, run)));
    } finally {
      await gateway.dispose();
    }
    return 0;
  } catch (error) {
    const message = RatatoskrError.isInstance(error)
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
    const badArguments = (error as { code?: unknown }).code
      ?.toString()
      .startsWith("ERR_PARSE_ARGS");
    io.stderr.write(`error: ${message}\n${badArguments ? `${USAGE}\n` : ""}`);
    return 1;
  }
}
