/**
 * The shape of every request the playground's API takes, as zod schemas
 * (Standard Schema, checked by `@hono/standard-validator`). Each message
 * names what it is about; the validator puts the field's path in front.
 */
import { CAPABILITIES, type Message } from "@ratatoskr/core";
import { z } from "zod";
import { LIMITS } from "./request-limits.ts";

const OBJECT_BODY = { error: "The body must be a JSON object" } as const;

function text(max: number = LIMITS.textChars) {
  return z.string({ error: "must be a string" }).max(max, `is longer than ${max} characters`);
}

function texts(max: number) {
  return z
    .array(text(), { error: "must be an array of strings" })
    .max(max, `has more than ${max} items`);
}

/** Trimmed, and at least one left after the blanks are dropped. */
function names(max: number, what: string) {
  return texts(max)
    .transform((values) => values.map((value) => value.trim()).filter((value) => value !== ""))
    .pipe(z.array(z.string()).min(1, `must hold at least one ${what}`));
}

const model = text(LIMITS.modelChars).trim().min(1, "must not be empty");

/** A sampling temperature, optional. */
const temperature = z
  .number({ error: "must be a number" })
  .min(0, "must be a number from 0 to 2")
  .max(2, "must be a number from 0 to 2")
  .optional();

/**
 * A chat message: role and text are checked here; everything else (tool
 * calls, reasoning records to send back verbatim) passes through to the
 * gateway, which validates messages in full.
 */
const message = z.looseObject({
  role: z.enum(["system", "user", "assistant", "tool"], {
    error: "must be system, user, assistant or tool",
  }),
  content: z.string({ error: "must be a string" }),
}) as unknown as z.ZodType<Message, Message>;

/** `POST /api/embeddings`. */
export const embeddingsRequest = z.object(
  { texts: texts(LIMITS.texts).min(1, "must not be empty"), model },
  OBJECT_BODY,
);

/** `POST /api/nli`. */
export const nliRequest = z.object({ premise: text(), hypothesis: text(), model }, OBJECT_BODY);

/** `POST /api/classify`. */
export const classifyRequest = z.object(
  {
    text: text(),
    labels: names(LIMITS.labels, "label"),
    model,
    multiLabel: z.boolean({ error: "must be true or false" }).optional(),
    hypothesisTemplate: text(LIMITS.templateChars).trim().optional(),
  },
  OBJECT_BODY,
);

/** `POST /api/tokens`. */
export const tokensRequest = z.object(
  { text: text(), models: names(LIMITS.tokenModels, "model") },
  OBJECT_BODY,
);

/** `POST /api/chat`. */
export const chatRequest = z.object(
  {
    messages: z
      .array(message, { error: "must be an array of messages" })
      .min(1, "must not be empty")
      .max(LIMITS.messages, `has more than ${LIMITS.messages} messages`)
      .refine(
        (messages) =>
          messages.reduce((total, item) => total + item.content.length, 0) <= LIMITS.textChars * 2,
        "is too long for the playground",
      ),
    model,
    tools: z.boolean({ error: "must be true or false" }).optional(),
    reasoning: z
      .enum(["minimal", "low", "medium", "high"], {
        error: "must be minimal, low, medium or high",
      })
      .optional(),
    temperature,
  },
  OBJECT_BODY,
);

/** `POST /api/generate`. */
export const generateRequest = z.object(
  {
    prompt: text().min(1, "must not be empty"),
    model,
    maxTokens: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, `must be a whole number from 1 to ${LIMITS.maxTokens}`)
      .max(LIMITS.maxTokens, `must be a whole number from 1 to ${LIMITS.maxTokens}`)
      .optional(),
    temperature,
  },
  OBJECT_BODY,
);

/** `POST /api/stance`. */
export const stanceRequest = z.object(
  {
    text: text().min(1, "must not be empty"),
    target: text(LIMITS.targetChars).trim().min(1, "must not be empty"),
    model,
  },
  OBJECT_BODY,
);

/** `GET /api/route?capability=&model=`. */
export const routeQuery = z.object({
  capability: z.enum(CAPABILITIES, { error: `must be one of ${CAPABILITIES.join(", ")}` }),
  model,
});

/** `GET /api/models?provider=`: every listed model, or one provider's. */
export const modelsQuery = z.object({
  provider: text(LIMITS.modelChars).trim().min(1, "must not be empty").optional(),
});

/** `GET /api/model?model=`: one model's record and status. */
export const modelQuery = z.object({ model });
