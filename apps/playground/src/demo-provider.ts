/**
 * The demo provider: a scripted, offline stand-in so the UI can be tried
 * with no keys (`RATATOSKR_PLAYGROUND_DEMO=1`). Chat streams reasoning,
 * calls the demo tools when asked for arithmetic or the time, and answers
 * from their results; embeddings and token counts are the deterministic
 * ones of `@ratatoskr/testing`'s mock provider, NLI and zero-shot scores
 * come from lexical overlap (`demo-scores.ts`), so related labels win and
 * unrelated ones do not tie; a stance call is scored from cue words
 * ("support", "oppose", …). Its answers are labelled as such: nothing here
 * is a language model.
 */
import {
  type ChatEvent,
  type ChatRequestV1,
  type ChatStreamPartV1,
  type ClassificationModelV1,
  createUsage,
  type Message,
  type NliModelV1,
  type ProviderV1,
  toolCallEndEvent,
} from "@ratatoskr/core";
import { sleep } from "@ratatoskr/provider-utils";
import { createMockProvider } from "@ratatoskr/testing";
import { lexicalNli, lexicalStance, lexicalZeroShot, stanceTarget } from "./demo-scores.ts";

/** The demo provider's id (`demo:…` models). */
export const DEMO_PROVIDER_ID = "demo";

/** Models the demo provider suggests per capability. */
export const DEMO_MODELS = {
  chat: ["demo:scripted-squirrel"],
  embed: ["demo:hash-embeddings"],
  nli: ["demo:keyword-nli"],
  classify: ["demo:keyword-classifier"],
} as const;

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Cities the demo recognises in "what time is it in …?". */
const CITY_TIME_ZONES: Record<string, string> = {
  oslo: "Europe/Oslo",
  reykjavik: "Atlantic/Reykjavik",
  london: "Europe/London",
  "new york": "America/New_York",
  tokyo: "Asia/Tokyo",
};

/** Pull an arithmetic expression out of a question, if it has one. */
export function findExpression(text: string): string | undefined {
  const candidates = text.match(/[-+*/^%().\d\s]*\d[-+*/^%().\d\s]*/g) ?? [];
  const expression = candidates
    .map((candidate) => candidate.trim())
    .filter((candidate) => /\d\s*[-+*/^%]\s*[\d(]/.test(candidate))
    .sort((a, b) => b.length - a.length)[0];
  return expression;
}

function script(messages: readonly Message[], hasTools: boolean): ChatEvent[] {
  const last = messages.at(-1);
  const events: ChatEvent[] = [];
  const say = (text: string) => {
    for (const piece of words(text)) events.push({ type: "content", text: piece });
  };
  const think = (text: string) => {
    for (const piece of words(text)) events.push({ type: "reasoning", text: piece });
  };
  const call = (name: string, argumentsText: string) => {
    const id = `call_demo_${name}_${messages.length}`;
    events.push({ type: "tool_call_start", index: 0, id, name });
    for (let start = 0; start < argumentsText.length; start += 6) {
      events.push({
        type: "tool_call_delta",
        index: 0,
        arguments: argumentsText.slice(start, start + 6),
      });
    }
    events.push(toolCallEndEvent(0, { id, name, arguments: argumentsText }));
  };
  if (last?.role === "tool") {
    think("The tool answered; I will report its result.");
    say(
      `The ${last.name ?? "tool"} tool says: ${last.content}. (Scripted demo answer: configure a real provider for a model's reply.)`,
    );
    return events;
  }
  const question = last?.role === "user" ? last.content : "";
  const expression = findExpression(question);
  if (hasTools && expression !== undefined) {
    think(
      `The user asks for arithmetic: ${expression}. I should use the calculator instead of guessing.`,
    );
    call("calculator", JSON.stringify({ expression }));
    return events;
  }
  if (hasTools && /\b(time|date|clock)\b/i.test(question)) {
    think("The user asks for the time; the current_time tool knows it.");
    const city = Object.keys(CITY_TIME_ZONES).find((name) => question.toLowerCase().includes(name));
    call("current_time", JSON.stringify({ timeZone: city ? CITY_TIME_ZONES[city] : "UTC" }));
    return events;
  }
  think("No tool needed. I am the scripted demo provider, so I will say so.");
  say(
    `Hello from the demo provider! You wrote: “${question}”. I am a scripted stand-in, not a model: ask me to compute something like 12 * (3 + 4) or for the time to see a tool call. Set OPENROUTER_API_KEY, ANTHROPIC_API_KEY or OPENAI_API_KEY, or run Ollama, to talk to a real model.`,
  );
  return events;
}

/** The mock's NLI with lexical-overlap scores (its metadata and warnings kept). */
function lexicalNliModel(mock: NliModelV1): NliModelV1 {
  return {
    ...mock,
    async infer(request) {
      const base = await mock.infer(request);
      return {
        ...base,
        results: request.pairs.map((pair) => lexicalNli(pair.premise, pair.hypothesis)),
      };
    },
  };
}

/** The demo's scores of `labels` for `text`: stance cues for a stance call, else lexical overlap. */
function demoScores(
  text: string,
  labels: readonly string[],
  multiLabel: boolean,
): Record<string, number> {
  const target = stanceTarget(labels);
  if (target === undefined) return lexicalZeroShot(text, labels, multiLabel);
  const { favor, against, neutral } = lexicalStance(text, target);
  const [favorLabel, againstLabel, neutralLabel] = labels as [string, string, string];
  return { [favorLabel]: favor, [againstLabel]: against, [neutralLabel]: neutral };
}

/** The mock's zero-shot with lexical-overlap scores (its metadata and warnings kept). */
function lexicalClassification(mock: ClassificationModelV1): ClassificationModelV1 {
  return {
    ...mock,
    async classifyZeroShot(request) {
      const base = await mock.classifyZeroShot(request);
      const scores = demoScores(request.text, request.labels, request.settings.multiLabel === true);
      const topLabel = request.labels.reduce((best, label) =>
        scores[label]! > scores[best]! ? label : best,
      );
      return { ...base, scores, topLabel, confidence: scores[topLabel]! };
    },
  };
}

/** Options of {@link createDemoProvider}. */
export interface DemoProviderOptions {
  /** Milliseconds between streamed events (default 25), so streaming is visible. */
  delayMs?: number;
}

/** Create the demo provider (a {@link ProviderV1}). */
export function createDemoProvider(options: DemoProviderOptions = {}): ProviderV1 {
  const delayMs = options.delayMs ?? 25;
  const mock = createMockProvider({
    id: DEMO_PROVIDER_ID,
    capabilities: ["embed", "nli", "classify", "countTokens"],
    dimensions: 32,
    localInference: true,
  });
  async function* stream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
    const events = script(request.messages, (request.settings.tools?.length ?? 0) > 0);
    const calledTool = events.some((event) => event.type === "tool_call_start");
    for (const event of events) {
      await sleep(delayMs, request.signal);
      yield event as ChatStreamPartV1;
    }
    const promptTokens = request.messages.reduce(
      (sum, message) => sum + words(message.content).length,
      0,
    );
    const usage = createUsage(promptTokens, events.length);
    yield { type: "usage", usage };
    yield { type: "done", finishReason: calledTool ? "tool_calls" : "stop", usage };
  }
  return {
    specificationVersion: "v1",
    id: DEMO_PROVIDER_ID,
    localInference: true,
    chat: { toolUse: true, stream },
    ...(mock.embedding === undefined ? {} : { embedding: mock.embedding }),
    ...(mock.nli === undefined ? {} : { nli: lexicalNliModel(mock.nli) }),
    ...(mock.classification === undefined
      ? {}
      : { classification: lexicalClassification(mock.classification) }),
    ...(mock.tokenCounting === undefined ? {} : { tokenCounting: mock.tokenCounting }),
  };
}
