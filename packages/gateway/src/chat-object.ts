/**
 * `chatObject()` and `chatObjectStream()`: structured output. The model is
 * asked for JSON matching a JSON Schema (`responseFormat: json_schema`,
 * which each provider maps to its dialect), its answer text is parsed and
 * then validated through a Standard Schema (https://standardschema.dev), so
 * any schema library that implements it (Zod, Valibot, ArkType, Effect
 * Schema, …) types the result. Nothing here depends on such a library.
 *
 * Failures are typed `RatatoskrError`s:
 *
 * | what                                         | code             |
 * | -------------------------------------------- | ---------------- |
 * | bad arguments (before any provider call)     | `invalid_input`  |
 * | an empty answer                              | `empty_response` |
 * | an answer that is not JSON                   | `json`           |
 * | JSON the schema rejects, or a `validate` that throws | `data`   |
 *
 * The answer-side errors carry `details.text` (the raw answer, at most
 * {@link MAX_ERROR_TEXT_LENGTH} characters, redacted like every error
 * field), `details.textLength`, `details.finishReason` and, for `data`,
 * `details.issues` (`{ path, message }`, at most {@link MAX_ERROR_ISSUES}).
 */
import {
  abortedError,
  assertChatOptions,
  assertMessages,
  type ChatOptions,
  type ChatResponse,
  type DoneEvent,
  type FinishReason,
  invalidInput,
  type JsonSchema,
  type Message,
  type ModelGateway,
  RatatoskrError,
} from "@ratatoskr/core";
import { PartialJsonParser } from "./partial-json.ts";
import {
  jsonSchemaFromStandard,
  runStandardValidate,
  type SchemaIssue,
  type StandardSchemaV1,
  standardPropsOf,
} from "./standard-schema.ts";

/** The longest raw answer text an error keeps in `details.text` (the rest is cut). */
export const MAX_ERROR_TEXT_LENGTH = 4096;
/** The most validation issues an error keeps in `details.issues`. */
export const MAX_ERROR_ISSUES = 50;
/** The schema name sent when `options.name` is not set. */
export const DEFAULT_OBJECT_NAME = "response";

const OBJECT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Options of {@link chatObject} and {@link chatObjectStream}: the chat
 * options (model, sampling, reliability, …) without `responseFormat`,
 * which the call sets, plus the schema.
 */
export interface ChatObjectOptions<S extends StandardSchemaV1 = StandardSchemaV1>
  extends Omit<ChatOptions, "responseFormat"> {
  /** The Standard Schema the answer must satisfy; its `validate` output is the result. */
  schema: S;
  /**
   * The JSON Schema sent to the model. Optional when `schema` carries a
   * Standard JSON Schema converter (`schema["~standard"].jsonSchema`, as
   * Zod 4.2+ and ArkType do): then its `input` schema (draft 2020-12,
   * without `$schema`) is sent. Required otherwise.
   */
  jsonSchema?: JsonSchema;
  /** The schema's name for the provider (1–64 of `A–Z a–z 0–9 _ -`); default {@link DEFAULT_OBJECT_NAME}. */
  name?: string;
  /** What the object is, for the model (providers that take a schema description). */
  description?: string;
  /**
   * Ask the provider for strict schema adherence (`responseFormat.strict`,
   * where the dialect has it). Not `strict`: that option of every call turns
   * warnings into errors.
   */
  strictSchema?: boolean;
}

/** What {@link chatObject} resolves to. */
export interface ChatObjectResult<T> {
  /** The answer, parsed and validated: the schema's output. */
  object: T;
  /** The whole chat answer (text, usage, finish reason, warnings, provider, …). */
  response: ChatResponse;
}

/**
 * A value under construction: every property optional, arrays of partial
 * elements. Partial objects are the model's raw JSON so far, before
 * validation (so the schema's input type, not its output).
 */
export type DeepPartial<T> = T extends
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | ((...args: never[]) => unknown)
  ? T
  : T extends ReadonlyArray<infer Item>
    ? DeepPartial<Item>[]
    : T extends object
      ? { [Key in keyof T]?: DeepPartial<T[Key]> }
      : T;

/** A partial object: the answer so far, as if the JSON were closed at this point. */
export interface ObjectPartialEvent<Partial> {
  type: "partial";
  object: Partial;
}

/** The final object, validated, with the stream's `done` facts (usage, finish reason, provider, warnings, …). */
export interface ObjectDoneEvent<T> extends Omit<DoneEvent, "type"> {
  type: "object";
  /** The answer, parsed and validated: the schema's output. */
  object: T;
  /** The complete answer text. */
  text: string;
}

/** An event of {@link chatObjectStream}: partial objects, then one `object`. */
export type ChatObjectStreamEvent<T, Partial = DeepPartial<T>> =
  | ObjectPartialEvent<Partial>
  | ObjectDoneEvent<T>;

/** The output type of a Standard Schema. */
type OutputOf<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;
/** The input type of a Standard Schema (what the model writes). */
type InputOf<S extends StandardSchemaV1> = StandardSchemaV1.InferInput<S>;

/** A checked call: the chat options to send and the schema's properties. */
interface Prepared {
  chatOptions: ChatOptions;
  props: StandardSchemaV1.Props;
}

/**
 * One chat turn whose answer is a JSON object validated by `options.schema`.
 * Sends `responseFormat: { type: "json_schema", … }`, parses the answer text
 * (surrounding whitespace and a Markdown code fence are tolerated) and
 * resolves to the schema's output and the chat response.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const Recipe = z.object({ title: z.string(), minutes: z.number() });
 * const { object } = await chatObject(gateway, [Message.user("A quick pasta")], {
 *   model: "my-model",
 *   schema: Recipe,
 * });
 * object.minutes; // number
 * ```
 */
export async function chatObject<S extends StandardSchemaV1>(
  gateway: ModelGateway,
  messages: readonly Message[],
  options: ChatObjectOptions<S>,
): Promise<ChatObjectResult<OutputOf<S>>> {
  const { chatOptions, props } = prepare(gateway, messages, options);
  const response = await gateway.chat(messages, chatOptions);
  const object = await objectFromText(response.content, props, response);
  throwIfAborted(chatOptions.signal);
  return { object: object as OutputOf<S>, response };
}

/**
 * {@link chatObject} streamed: `partial` events with the best object of the
 * text so far (only when it changed), then one `object` event with the
 * validated result and the stream's usage and finish reason. Bad arguments
 * throw from the first `next()`, before any provider call, like
 * `chatStream`. Leaving the `for await` loop early, or aborting
 * `options.signal`, cancels the upstream stream.
 *
 * Partial objects come from an incremental parser that reads each
 * character of the answer once (see `PartialJsonParser`): the cost does not
 * grow with the square of the answer's length. They are not validated.
 */
export function chatObjectStream<S extends StandardSchemaV1>(
  gateway: ModelGateway,
  messages: readonly Message[],
  options: ChatObjectOptions<S>,
): AsyncIterable<ChatObjectStreamEvent<OutputOf<S>, DeepPartial<InputOf<S>>>> {
  return {
    [Symbol.asyncIterator]: () =>
      streamObject(gateway, messages, options) as AsyncIterator<
        ChatObjectStreamEvent<OutputOf<S>, DeepPartial<InputOf<S>>>
      >,
  };
}

async function* streamObject(
  gateway: ModelGateway,
  messages: readonly Message[],
  options: ChatObjectOptions,
): AsyncGenerator<ChatObjectStreamEvent<unknown, unknown>> {
  const { chatOptions, props } = prepare(gateway, messages, options);
  const fence = new FenceStripper();
  const parser = new PartialJsonParser();
  let text = "";
  // Leaving this loop (a consumer's break, an error) calls the upstream
  // iterator's return(), which cancels the request.
  for await (const event of gateway.chatStream(messages, chatOptions)) {
    if (event.type === "content") {
      text += event.text;
      const json = fence.push(event.text);
      if (json !== "" && parser.push(json)) yield { type: "partial", object: parser.snapshot() };
    } else if (event.type === "done") {
      const { type: _done, ...facts } = event;
      const object = await objectFromText(text, props, {
        finishReason: event.finishReason,
        model: event.model,
        provider: event.provider,
      });
      throwIfAborted(chatOptions.signal);
      yield { ...facts, type: "object", object, text };
      return;
    }
  }
  throw new RatatoskrError({
    code: "stream",
    message: "chatObjectStream: the chat stream ended without a done event",
    model: chatOptions.model,
  });
}

/** An (asynchronous) validation outlasted by an abort still ends in `aborted`. */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortedError(signal);
}

/** Check the arguments (all before any provider call) and build the chat options. */
function prepare(
  gateway: ModelGateway,
  messages: readonly Message[],
  options: ChatObjectOptions,
): Prepared {
  if (
    typeof gateway !== "object" ||
    gateway === null ||
    typeof gateway.chat !== "function" ||
    typeof gateway.chatStream !== "function"
  ) {
    throw invalidInput("gateway must be a ModelGateway (with chat and chatStream)", {
      field: "gateway",
    });
  }
  assertMessages(messages);
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalidInput("options must be an object with model and schema", { field: "options" });
  }
  const { schema, jsonSchema, name, description, strictSchema, ...rest } = options;
  if ((rest as ChatOptions).responseFormat !== undefined) {
    throw invalidInput(
      "options.responseFormat is set by chatObject from options.schema and options.jsonSchema; leave it out",
      { field: "options.responseFormat" },
    );
  }
  const props = standardPropsOf(schema);
  if (props === undefined) {
    throw invalidInput(
      schema === undefined
        ? "options.schema is required (a Standard Schema: zod, valibot, arktype, …)"
        : 'options.schema must be a Standard Schema v1 object (its "~standard" has version 1 and a validate function)',
      { field: "options.schema" },
    );
  }
  if (
    jsonSchema !== undefined &&
    (typeof jsonSchema !== "object" || jsonSchema === null || Array.isArray(jsonSchema))
  ) {
    throw invalidInput("options.jsonSchema must be a JSON Schema object", {
      field: "options.jsonSchema",
    });
  }
  const sentSchema = jsonSchema ?? jsonSchemaFromStandard(props);
  if (sentSchema === undefined) {
    throw invalidInput(
      `options.jsonSchema is required: options.schema (${String(props.vendor)}) does not carry a JSON Schema converter (~standard.jsonSchema)`,
      { field: "options.jsonSchema" },
    );
  }
  if (name !== undefined && (typeof name !== "string" || !OBJECT_NAME.test(name))) {
    throw invalidInput("options.name must be 1–64 characters of A–Z, a–z, 0–9, _ and -", {
      field: "options.name",
    });
  }
  if (description !== undefined && typeof description !== "string") {
    throw invalidInput("options.description must be a string when present", {
      field: "options.description",
    });
  }
  if (strictSchema !== undefined && typeof strictSchema !== "boolean") {
    throw invalidInput("options.strictSchema must be a boolean when present", {
      field: "options.strictSchema",
    });
  }
  const chatOptions: ChatOptions = {
    ...rest,
    responseFormat: {
      type: "json_schema",
      name: name ?? DEFAULT_OBJECT_NAME,
      schema: sentSchema,
      ...(strictSchema === undefined ? {} : { strict: strictSchema }),
      ...(description === undefined ? {} : { description }),
    },
  };
  assertChatOptions(chatOptions);
  return { chatOptions, props };
}

/** Facts of the answer that errors carry. */
interface AnswerFacts {
  finishReason: FinishReason;
  model?: string | undefined;
  provider?: string | undefined;
}

/** Parse and validate the answer text: the schema's output, or a typed error. */
async function objectFromText(
  text: string,
  props: StandardSchemaV1.Props,
  facts: AnswerFacts,
): Promise<unknown> {
  const json = stripCodeFence(text);
  if (json === "") {
    throw answerError(
      "empty_response",
      "the model's answer is empty, not a JSON value",
      text,
      facts,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw answerError(
      "json",
      `the model's answer is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      text,
      facts,
      { cause: error },
    );
  }
  const outcome = await runStandardValidate(props, value);
  if (outcome.ok) return outcome.value;
  if ("issues" in outcome) {
    const shown = outcome.issues
      .slice(0, 3)
      .map(
        (issue) => `${issue.path.length === 0 ? "(root)" : issue.path.join(".")}: ${issue.message}`,
      )
      .join("; ");
    throw answerError(
      "data",
      `the model's answer does not match the schema (${outcome.issues.length} issue${outcome.issues.length === 1 ? "" : "s"}: ${shown})`,
      text,
      facts,
      { issues: outcome.issues.slice(0, MAX_ERROR_ISSUES) },
    );
  }
  throw answerError("data", `${outcome.reason} on the model's answer`, text, facts, {
    cause: outcome.thrown,
  });
}

function answerError(
  code: "empty_response" | "json" | "data",
  problem: string,
  text: string,
  facts: AnswerFacts,
  extra: { cause?: unknown; issues?: SchemaIssue[] } = {},
): RatatoskrError {
  const cut =
    facts.finishReason === "length"
      ? " (the answer was cut at the token limit: raise maxTokens)"
      : "";
  return new RatatoskrError({
    code,
    message: `chatObject: ${problem}${cut}`,
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
    ...(facts.model === undefined ? {} : { model: facts.model }),
    ...(facts.provider === undefined ? {} : { provider: facts.provider }),
    details: {
      text: text.length > MAX_ERROR_TEXT_LENGTH ? text.slice(0, MAX_ERROR_TEXT_LENGTH) : text,
      textLength: text.length,
      finishReason: facts.finishReason,
      ...(extra.issues === undefined ? {} : { issues: extra.issues }),
    },
  });
}

/**
 * The JSON text of an answer: trimmed, and without a Markdown code fence
 * around it (```` ```json ```` … ```` ``` ````).
 */
export function stripCodeFence(text: string): string {
  let body = text.trim();
  if (!body.startsWith("```")) return body;
  const newline = body.indexOf("\n");
  body = newline === -1 ? body.slice(3) : body.slice(newline + 1);
  body = body.trimEnd();
  if (body.endsWith("```")) body = body.slice(0, -3);
  return body.trim();
}

/**
 * The streamed counterpart of {@link stripCodeFence}'s opening: drops
 * leading whitespace and an opening fence line, passing the rest through.
 * (A closing fence needs no care: the parser ignores what follows the
 * complete value.)
 */
class FenceStripper {
  #state: "start" | "fence" | "body" = "start";
  #held = "";

  push(text: string): string {
    if (this.#state === "body") return text;
    this.#held += text;
    if (this.#state === "start") {
      const start = this.#held.trimStart();
      if (start === "" || (start.length < 3 && "```".startsWith(start))) return "";
      if (!start.startsWith("```")) {
        this.#state = "body";
        this.#held = "";
        return start;
      }
      this.#state = "fence";
      this.#held = start.slice(3);
    }
    const newline = this.#held.indexOf("\n");
    if (newline === -1) return "";
    const rest = this.#held.slice(newline + 1);
    this.#state = "body";
    this.#held = "";
    return rest;
  }
}
