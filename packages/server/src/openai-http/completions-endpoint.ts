/**
 * `POST /v1/completions` (the legacy text completion API):
 * `gateway.generate`, or `gateway.generateStream` as server-sent
 * `text_completion` chunks when `stream` is true. One prompt per request
 * (a string, or an array of one string); token-id prompts, `n` > 1,
 * `best_of`, `echo`, `suffix` and `logprobs` are refused.
 *
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
import type { GenerateEvent, GenerateOptions, GenerateResponse, Usage } from "@ratatoskr/core";
import type { EndpointCall } from "./endpoint.ts";
import { serveEventStream } from "./event-stream.ts";
import {
  type OpenAIFinishReason,
  type OpenAIUsage,
  openAIFinishReason,
  openAIUsage,
  responseId,
  unixSeconds,
} from "./openai-wire.ts";
import {
  invalidField,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalStringList,
  rejectUnlessDefault,
  requiredObject,
  requiredString,
} from "./request-fields.ts";
import { sendJson } from "./send-json.ts";

/** OpenAI's `text_completion` object (also each streamed chunk). */
export interface TextCompletion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: Array<{
    text: string;
    index: 0;
    logprobs: null;
    finish_reason: OpenAIFinishReason | null;
  }>;
  usage?: OpenAIUsage | null;
}

interface CompletionRequest {
  readonly prompt: string;
  readonly options: GenerateOptions;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

function prompt(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
  throw invalidField("prompt", "must be a string (or an array of one string)");
}

function parseCompletionRequest(value: unknown): CompletionRequest {
  const body = requiredObject(value, "body");
  const options: GenerateOptions = { model: requiredString(body.model, "model") };
  const text = prompt(body.prompt);
  rejectUnlessDefault(body.n, "n", [1], "one choice per request");
  rejectUnlessDefault(body.best_of, "best_of", [1], "one choice per request");
  rejectUnlessDefault(body.echo, "echo", [false], "the prompt is not echoed");
  rejectUnlessDefault(body.suffix, "suffix", [""], "no insertion mode");
  rejectUnlessDefault(body.logprobs, "logprobs", [0], "log probabilities are not reported");
  const maxTokens = optionalInteger(body.max_tokens, "max_tokens");
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, "temperature");
  if (temperature !== undefined) options.temperature = temperature;
  const topP = optionalNumber(body.top_p, "top_p");
  if (topP !== undefined) options.topP = topP;
  const topK = optionalInteger(body.top_k, "top_k");
  if (topK !== undefined) options.topK = topK;
  const seed = optionalInteger(body.seed, "seed");
  if (seed !== undefined) options.seed = seed;
  const stop = optionalStringList(body.stop, "stop");
  if (stop !== undefined) options.stopSequences = stop;
  const streamOptions = optionalObject(body.stream_options, "stream_options");
  return {
    prompt: text,
    options,
    stream: optionalBoolean(body.stream, "stream") ?? false,
    includeUsage:
      optionalBoolean(streamOptions?.include_usage, "stream_options.include_usage") ?? false,
  };
}

function textCompletion(
  base: Pick<TextCompletion, "id" | "created" | "model">,
  text: string,
  finishReason: OpenAIFinishReason | null,
): TextCompletion {
  return {
    ...base,
    object: "text_completion",
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
  };
}

function completionOf(response: GenerateResponse, requestedModel: string): TextCompletion {
  const completion = textCompletion(
    { id: responseId("cmpl"), created: unixSeconds(), model: response.model || requestedModel },
    response.text,
    openAIFinishReason(response.finishReason),
  );
  if (response.usage !== undefined) completion.usage = openAIUsage(response.usage);
  return completion;
}

/** The chunks of one generation event (usage is held for the end). */
function completionChunks(
  base: Pick<TextCompletion, "id" | "created" | "model">,
  includeUsage: boolean,
): (event: GenerateEvent) => TextCompletion[] {
  let usage: Usage | undefined;
  return (event) => {
    switch (event.type) {
      case "text":
        return event.text === "" ? [] : [textCompletion(base, event.text, null)];
      case "usage":
        usage = event.usage;
        return [];
      case "done": {
        const last = textCompletion(base, "", openAIFinishReason(event.finishReason));
        const final = event.usage ?? usage;
        if (!includeUsage) return [last];
        return [
          last,
          {
            ...base,
            object: "text_completion",
            choices: [],
            usage: final === undefined ? null : openAIUsage(final),
          },
        ];
      }
    }
  };
}

/** Serve one text completion request. */
export async function serveCompletions(call: EndpointCall): Promise<void> {
  const request = parseCompletionRequest(call.body);
  const options = { ...request.options, signal: call.signal };
  if (!request.stream) {
    const response = await call.gateway.generate(request.prompt, options);
    sendJson(call.response, 200, completionOf(response, request.options.model));
    return;
  }
  const base = { id: responseId("cmpl"), created: unixSeconds(), model: request.options.model };
  await serveEventStream(
    call.response,
    call.signal,
    call.gateway.generateStream(request.prompt, options),
    completionChunks(base, request.includeUsage),
  );
}
