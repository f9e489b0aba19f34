/**
 * Input validation shared by the gateway and providers: bad input is
 * rejected with an `invalid_input` error naming the field and the problem
 * (`details.field` holds the field's path), before any provider is called.
 * Messages, tools and options have their own files (`assert-messages.ts`,
 * `assert-tools.ts`, `assert-options.ts`).
 */
import { describeValue, invalidField, isRecord } from "./invalid-field.ts";
import type { NliPair } from "./responses.ts";

/**
 * The longest model string accepted, in UTF-16 code units (`string.length`).
 * Real model ids are far shorter: Hugging Face repo ids are at most 96
 * characters per part, OpenRouter ids and Ollama references (registry host,
 * namespace, name and tag) stay well under 300 with a `provider:` prefix.
 * 1024 leaves room for every real name while keeping one request from
 * pinning megabytes in the gateway's route cache.
 */
export const MAX_MODEL_LENGTH = 1024;

/** Require a non-empty model name of at most {@link MAX_MODEL_LENGTH} characters. */
export function assertModel(model: unknown, field = "model"): asserts model is string {
  if (typeof model !== "string" || model.trim() === "") {
    throw invalidField(field, `must be a non-empty string, got ${describeValue(model)}`);
  }
  if (model.length > MAX_MODEL_LENGTH) {
    throw invalidField(
      field,
      `must be at most ${MAX_MODEL_LENGTH} characters, got ${model.length}`,
    );
  }
}

/** Require a string (non-empty unless `allowEmpty`). */
export function assertText(
  value: unknown,
  name: string,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): asserts value is string {
  if (typeof value !== "string") {
    throw invalidField(name, `must be a string, got ${describeValue(value)}`);
  }
  if (!allowEmpty && value.length === 0) throw invalidField(name, "must not be empty");
}

/** Require a non-empty array of non-empty strings. */
export function assertTexts(values: unknown, name: string): asserts values is string[] {
  if (!Array.isArray(values)) {
    throw invalidField(name, `must be an array, got ${describeValue(values)}`);
  }
  if (values.length === 0) throw invalidField(name, "must not be empty");
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index];
    if (typeof value !== "string" || value.length === 0) assertText(value, `${name}[${index}]`);
  }
}

/** Require a non-empty array of {premise, hypothesis} string pairs. */
export function assertNliPairs(pairs: unknown): asserts pairs is NliPair[] {
  if (!Array.isArray(pairs)) {
    throw invalidField("pairs", `must be an array, got ${describeValue(pairs)}`);
  }
  if (pairs.length === 0) throw invalidField("pairs", "must not be empty");
  pairs.forEach((pair: unknown, index) => {
    if (!isRecord(pair)) {
      throw invalidField(
        `pairs[${index}]`,
        `must be an object {premise, hypothesis}, got ${describeValue(pair)}`,
      );
    }
    assertText(pair.premise, `pairs[${index}].premise`);
    assertText(pair.hypothesis, `pairs[${index}].hypothesis`);
  });
}

/** Require at least one distinct, non-empty candidate label. */
export function assertLabels(labels: unknown): asserts labels is string[] {
  assertTexts(labels, "labels");
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) {
      throw invalidField("labels", `must be distinct; ${describeValue(label)} appears twice`);
    }
    seen.add(label);
  }
}
