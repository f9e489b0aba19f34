/**
 * `createLexiconProvider()`: an in-process provider (specification v1)
 * whose "models" are the lexicon in `lexicon.ts`, so the memory manager
 * runs with no key and no network and its output still makes sense.
 * `@ratatoskr/testing`'s mock provider would also answer every call, but
 * its embeddings hash the whole text (a one-word change gives an unrelated
 * vector) and its NLI is not about the texts: a demo on it would find
 * nothing. Models: `lexicon:bow-embed`, `lexicon:nli`, `lexicon:words`
 * (any model name works; the prefix routes).
 */
import {
  type ChatTokenCountingRequestV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  createUsage,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type NliLabel,
  type NliRequestV1,
  type NliResult,
  type NliResultV1,
  type ProviderV1,
  type TokenCountingRequestV1,
  type TokenCountingResultV1,
} from "@ratatoskr/gateway";
import { bagOfWordsVector, coverage, polarity, read, tokenPieces } from "./lexicon.ts";

/** Embedding dimensions of the lexicon provider. */
export const LEXICON_DIMENSIONS = 256;

/** Tokens a chat message costs beyond its text (role and separators), as chat templates add. */
const TOKENS_PER_MESSAGE = 4;

/** The NLI scores of (premise, hypothesis) by the lexicon: shared words, then agreeing or opposite polarity. */
export function lexiconNli(premise: string, hypothesis: string): NliResult {
  const p = read(premise);
  const h = read(hypothesis);
  // Both ways: "Bob hates remote work…" says little about "Alice loves…".
  return nliScores(Math.min(coverage(p, h), coverage(h, p)), polarity(p) === polarity(h));
}

/** Scores from how much the texts share (0–1) and whether their polarities agree. */
function nliScores(covered: number, same: boolean): NliResult {
  const raw = {
    entailment: covered * (same ? 1 : 0.05),
    contradiction: covered * (same ? 0.05 : 1),
    neutral: Math.max(0.05, 1 - covered * covered),
  };
  const total = raw.entailment + raw.contradiction + raw.neutral;
  const scores = {
    entailment: raw.entailment / total,
    contradiction: raw.contradiction / total,
    neutral: raw.neutral / total,
  };
  const label = (Object.keys(scores) as NliLabel[]).reduce((best, key) =>
    scores[key] > scores[best] ? key : best,
  );
  return { ...scores, label };
}

/**
 * Zero-shot classification as NLI: each label's hypothesis (the template
 * with `{}` replaced) is judged against the text. A hypothesis that says
 * "neutral" is entailed when the text takes no side on its words.
 */
function classify(request: ClassificationRequestV1): ClassificationResultV1 {
  const template = request.settings.hypothesisTemplate ?? "This example is {}.";
  const text = read(request.text);
  const raw = request.labels.map((label) => {
    const hypothesis = template.replace("{}", label);
    const h = read(hypothesis);
    if (!/\bneutral\b/i.test(hypothesis)) {
      return nliScores(coverage(text, h), polarity(text) === polarity(h)).entailment;
    }
    const covered = coverage(text, read(hypothesis.replace(/\bneutral\b/gi, "")));
    return text.sentiment === 0 || covered < 0.5 ? 0.8 : 0.05;
  });
  const total = raw.reduce((sum, value) => sum + value, 0) || 1;
  const values = request.settings.multiLabel ? raw : raw.map((value) => value / total);
  const scores = Object.fromEntries(request.labels.map((label, i) => [label, values[i]!]));
  const best = values.indexOf(Math.max(...values));
  return { scores, topLabel: request.labels[best]!, confidence: values[best]! };
}

/** Create the lexicon provider (id `lexicon`): embeddings, NLI, zero-shot classification, token counting. */
export function createLexiconProvider(): ProviderV1 {
  return {
    specificationVersion: "v1",
    id: "lexicon",
    localInference: true,
    embedding: {
      async embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1> {
        request.signal.throwIfAborted();
        return {
          embeddings: request.values.map((text) => ({
            values: bagOfWordsVector(text, LEXICON_DIMENSIONS),
            model: request.model,
            dimensions: LEXICON_DIMENSIONS,
          })),
          usage: createUsage(
            request.values.reduce((sum, text) => sum + tokenPieces(text).length, 0),
            0,
          ),
        };
      },
    },
    nli: {
      async infer(request: NliRequestV1): Promise<NliResultV1> {
        request.signal.throwIfAborted();
        return { results: request.pairs.map((pair) => lexiconNli(pair.premise, pair.hypothesis)) };
      },
    },
    classification: {
      async classifyZeroShot(request: ClassificationRequestV1): Promise<ClassificationResultV1> {
        request.signal.throwIfAborted();
        return classify(request);
      },
    },
    tokenCounting: {
      async countTokens(request: TokenCountingRequestV1): Promise<TokenCountingResultV1> {
        return {
          count: tokenPieces(request.text).length,
          approximate: false,
          source: "lexicon-words",
        };
      },
      async countChatTokens(request: ChatTokenCountingRequestV1): Promise<TokenCountingResultV1> {
        const messages = request.messages.reduce(
          (sum, message) => sum + TOKENS_PER_MESSAGE + tokenPieces(message.content).length,
          0,
        );
        const tools = tokenPieces(JSON.stringify(request.tools ?? [])).length;
        return {
          count: messages + (request.tools ? tools : 0),
          approximate: false,
          source: "lexicon-words",
        };
      },
    },
  };
}
