/**
 * The memory manager's operations, each on the `ModelGateway` interface
 * only (so any provider that serves the capability can back it):
 * deduplicate notes by embedding similarity, find contradicting notes with
 * batched NLI, measure each note's stance toward a topic, and pick the
 * notes most relevant to a query that fit a context window.
 */
import type { ContextFit, Message, ModelGateway, StanceResult } from "@ratatoskr/gateway";

/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! ** 2;
    normB += b[i]! ** 2;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** A note dropped as a near-copy of an earlier one. */
export interface Duplicate {
  note: string;
  duplicateOf: string;
  similarity: number;
}

/** The notes kept (first of each group of near-copies), their vectors, and the duplicates dropped. */
export interface Deduplicated {
  kept: string[];
  vectors: number[][];
  duplicates: Duplicate[];
}

/** Embed `notes` in one batch and drop each note whose similarity to a kept one is `threshold` or more. */
export async function deduplicate(
  gateway: ModelGateway,
  notes: readonly string[],
  model: string,
  threshold = 0.9,
): Promise<Deduplicated> {
  const embeddings = await gateway.embedBatch(notes, model);
  const result: Deduplicated = { kept: [], vectors: [], duplicates: [] };
  for (const [index, note] of notes.entries()) {
    const vector = embeddings[index]!.values;
    let best = { similarity: -1, at: -1 };
    for (const [at, kept] of result.vectors.entries()) {
      const similarity = cosineSimilarity(vector, kept);
      if (similarity > best.similarity) best = { similarity, at };
    }
    if (best.similarity >= threshold) {
      result.duplicates.push({
        note,
        duplicateOf: result.kept[best.at]!,
        similarity: best.similarity,
      });
    } else {
      result.kept.push(note);
      result.vectors.push(vector);
    }
  }
  return result;
}

/** Two notes that contradict each other. */
export interface Contradiction {
  a: string;
  b: string;
  /** The higher contradiction score of the two directions. */
  score: number;
}

/**
 * Every pair of notes that contradict, by NLI in both directions (premise
 * a → hypothesis b and back), all pairs in one `inferNliBatch` call: the
 * gateway splits it into the provider's batch size.
 */
export async function findContradictions(
  gateway: ModelGateway,
  notes: readonly string[],
  model: string,
  threshold = 0.5,
): Promise<Contradiction[]> {
  const pairs: Array<{ a: number; b: number }> = [];
  for (let a = 0; a < notes.length; a++)
    for (let b = a + 1; b < notes.length; b++) pairs.push({ a, b });
  const results = await gateway.inferNliBatch(
    pairs.flatMap(({ a, b }) => [
      { premise: notes[a]!, hypothesis: notes[b]! },
      { premise: notes[b]!, hypothesis: notes[a]! },
    ]),
    model,
  );
  return pairs.flatMap(({ a, b }, index) => {
    const score = Math.max(
      results[2 * index]!.contradiction,
      results[2 * index + 1]!.contradiction,
    );
    return score >= threshold ? [{ a: notes[a]!, b: notes[b]!, score }] : [];
  });
}

/** Each note's stance toward `topic` (`classifyStance`, one call per note, in parallel). */
export function stancesToward(
  gateway: ModelGateway,
  notes: readonly string[],
  topic: string,
  model: string,
): Promise<Array<{ note: string; stance: StanceResult }>> {
  return Promise.all(
    notes.map(async (note) => ({ note, stance: await gateway.classifyStance(note, topic, model) })),
  );
}

/** What {@link fitToContext} needs. */
export interface FitOptions {
  query: string;
  notes: readonly string[];
  /** The notes' vectors (from {@link deduplicate}), in the same order. */
  vectors: readonly (readonly number[])[];
  embeddingModel: string;
  /** The chat model whose tokenizer counts (`fitsContext` routes like `countTokens`). */
  chatModel: string;
  contextWindow: number;
  /** Tokens kept free for the answer. */
  reserveOutput: number;
}

/** The prompt built, the notes in it (most relevant first), the ones left out, and its fit. */
export interface FittedContext {
  messages: Message[];
  included: string[];
  left: string[];
  fit: ContextFit;
}

/** The chat request with `notes` as memory. */
export function memoryPrompt(query: string, notes: readonly string[]): Message[] {
  return [
    { role: "system", content: `Memory:\n${notes.map((note) => `- ${note}`).join("\n")}` },
    { role: "user", content: query },
  ];
}

/**
 * Rank the notes by similarity to the query, then add them, most relevant
 * first, while the request still fits the context window with
 * `reserveOutput` tokens free (`fitsContext` counts the whole request, as
 * the model's tokenizer or chat template would). A note that does not fit
 * is left out and the next, shorter one is tried.
 */
export async function fitToContext(
  gateway: ModelGateway,
  options: FitOptions,
): Promise<FittedContext> {
  const query = await gateway.embed(options.query, options.embeddingModel);
  const ranked = options.notes
    .map((note, index) => ({
      note,
      similarity: cosineSimilarity(query.values, options.vectors[index]!),
    }))
    .sort((x, y) => y.similarity - x.similarity);
  const fitOptions = { contextWindow: options.contextWindow, reserveOutput: options.reserveOutput };
  const included: string[] = [];
  const left: string[] = [];
  let fit = await gateway.fitsContext(
    memoryPrompt(options.query, []),
    options.chatModel,
    fitOptions,
  );
  for (const { note } of ranked) {
    const candidate = await gateway.fitsContext(
      memoryPrompt(options.query, [...included, note]),
      options.chatModel,
      fitOptions,
    );
    if (candidate.fits) {
      included.push(note);
      fit = candidate;
    } else {
      left.push(note);
    }
  }
  return { messages: memoryPrompt(options.query, included), included, left, fit };
}
