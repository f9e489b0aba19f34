/**
 * The parameter validation policy: chat and generation settings checked
 * against what the registry says the resolved model takes (its
 * `parameters`, their ranges, its `max_output_tokens`), before anything is
 * sent. See {@link ParameterValidationPolicy} for what each policy does.
 *
 * A record that declares parameters lists every one the model takes (registry
 * records come from model lists that name every supported parameter): a setting
 * whose parameter is missing from a non-empty declaration is not taken. A
 * record without parameters says nothing, and nothing is checked.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/types/validation.rs
 */
import {
  type ChatOptions,
  type GenerateOptions,
  type ModelMetadata,
  type ParameterAvailability,
  RatatoskrError,
  type WarningV1,
} from "@ratatoskr/core";
import type { ParameterValidationPolicy } from "./model-knowledge.ts";

/** A setting, and the registry parameters that stand for it (any one listed means it is taken). */
type SettingParameters<Options> = readonly (readonly [keyof Options & string, readonly string[]])[];

/** Chat settings and their registry (wire) names. */
export const CHAT_SETTING_PARAMETERS: SettingParameters<ChatOptions> = [
  ["temperature", ["temperature"]],
  ["topP", ["top_p"]],
  ["topK", ["top_k"]],
  ["maxTokens", ["max_tokens"]],
  ["stop", ["stop"]],
  ["seed", ["seed"]],
  ["frequencyPenalty", ["frequency_penalty"]],
  ["presencePenalty", ["presence_penalty"]],
  ["responseFormat", ["response_format", "structured_outputs"]],
  ["tools", ["tools"]],
  ["toolChoice", ["tool_choice"]],
  ["parallelToolCalls", ["parallel_tool_calls"]],
  ["reasoning", ["reasoning", "include_reasoning", "reasoning_effort"]],
];

/** Generation settings and their registry (wire) names. */
export const GENERATE_SETTING_PARAMETERS: SettingParameters<GenerateOptions> = [
  ["temperature", ["temperature"]],
  ["topP", ["top_p"]],
  ["topK", ["top_k"]],
  ["maxTokens", ["max_tokens"]],
  ["seed", ["seed"]],
  ["stopSequences", ["stop"]],
];

/** One setting the model does not take as given. */
export interface ParameterFinding {
  /** The option (`temperature`, `topK`). */
  readonly setting: string;
  /** The registry parameter it was checked against (`temperature`, `top_k`). */
  readonly parameter: string;
  /** `unsupported`: not taken (or fixed at another value); `out_of_range`: outside the model's range. */
  readonly kind: "unsupported" | "out_of_range";
  /** What is wrong, for messages. */
  readonly message: string;
  /** For `out_of_range`: the nearest value the model takes. */
  readonly clampTo?: number;
}

/** Options after the policy, and the warnings it gave. */
export interface ValidatedOptions<Options> {
  readonly options: Options;
  readonly warnings: readonly WarningV1[];
}

function isEmpty(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

function availabilityOf(
  record: ModelMetadata,
  names: readonly string[],
): { parameter: string; availability: ParameterAvailability | undefined } {
  for (const name of names) {
    if (Object.hasOwn(record.parameters, name)) {
      return { parameter: name, availability: record.parameters[name] };
    }
  }
  return { parameter: names[0]!, availability: undefined };
}

function describeNumber(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** What `options` sets that `record` says the model does not take as given. */
export function parameterFindings<Options extends object>(
  record: ModelMetadata,
  options: Options,
  table: SettingParameters<Options>,
): ParameterFinding[] {
  const findings: ParameterFinding[] = [];
  const declared = Object.keys(record.parameters).length > 0;
  const id = record.info.id;
  for (const [setting, names] of table) {
    const value = options[setting] as unknown;
    if (isEmpty(value)) continue;
    const { parameter, availability } = availabilityOf(record, names);
    if (availability === undefined) {
      if (declared) {
        findings.push({
          setting,
          parameter,
          kind: "unsupported",
          message: `${setting}: "${id}" does not take ${parameter} (not among the parameters the registry lists for it)`,
        });
      }
      continue;
    }
    switch (availability.availability) {
      case "unsupported":
        findings.push({
          setting,
          parameter,
          kind: "unsupported",
          message: `${setting}: "${id}" does not take ${parameter}`,
        });
        break;
      case "read_only":
        if (value !== availability.value) {
          findings.push({
            setting,
            parameter,
            kind: "unsupported",
            message: `${setting}: ${parameter} of "${id}" is fixed at ${JSON.stringify(availability.value)}`,
          });
        }
        break;
      case "mutable": {
        const range = availability.range;
        if (range === undefined || typeof value !== "number") break;
        if (range.min !== undefined && value < range.min) {
          findings.push({
            setting,
            parameter,
            kind: "out_of_range",
            message: `${setting}: ${describeNumber(value)} is below the minimum ${describeNumber(range.min)} of "${id}"`,
            clampTo: range.min,
          });
        } else if (range.max !== undefined && value > range.max) {
          findings.push({
            setting,
            parameter,
            kind: "out_of_range",
            message: `${setting}: ${describeNumber(value)} is above the maximum ${describeNumber(range.max)} of "${id}"`,
            clampTo: range.max,
          });
        }
        break;
      }
      case "opaque":
        break;
    }
  }
  const maxTokens = (options as { maxTokens?: unknown }).maxTokens;
  const limit = record.max_output_tokens;
  if (
    typeof maxTokens === "number" &&
    limit !== undefined &&
    maxTokens > limit &&
    !findings.some((finding) => finding.setting === "maxTokens")
  ) {
    findings.push({
      setting: "maxTokens",
      parameter: "max_tokens",
      kind: "out_of_range",
      message: `maxTokens: ${describeNumber(maxTokens)} is above the ${describeNumber(limit)} output tokens "${id}" may produce`,
      clampTo: limit,
    });
  }
  return findings;
}

/**
 * Apply `policy` to `options` for the model `record` describes (no record:
 * nothing to check). `error` throws `unsupported_parameter` naming every
 * finding; `warn` leaves unsupported settings out and clamps out-of-range
 * values, with one `unsupported_setting` warning each.
 */
export function validateParameters<Options extends object>(
  policy: ParameterValidationPolicy,
  record: ModelMetadata | undefined,
  options: Options,
  table: SettingParameters<Options>,
): ValidatedOptions<Options> {
  if (policy === "ignore" || record === undefined) return { options, warnings: [] };
  const findings = parameterFindings(record, options, table);
  if (findings.length === 0) return { options, warnings: [] };
  if (policy === "error") {
    throw new RatatoskrError({
      code: "unsupported_parameter",
      message: `The request has settings model "${record.info.id}" does not take (parameter validation "error"): ${findings.map((finding) => finding.message).join("; ")}`,
      model: record.info.id,
      details: {
        parameters: findings.map(({ setting, parameter, kind, message }) => ({
          setting,
          parameter,
          kind,
          message,
        })),
      },
    });
  }
  const adjusted = { ...options } as Record<string, unknown>;
  const warnings: WarningV1[] = [];
  for (const finding of findings) {
    if (finding.kind === "out_of_range" && finding.clampTo !== undefined) {
      adjusted[finding.setting] = finding.clampTo;
      warnings.push({
        type: "unsupported_setting",
        setting: finding.setting,
        details: `${finding.message}; sent as ${describeNumber(finding.clampTo)}`,
      });
    } else {
      delete adjusted[finding.setting];
      warnings.push({
        type: "unsupported_setting",
        setting: finding.setting,
        details: `${finding.message}; left out`,
      });
    }
  }
  return { options: adjusted as Options, warnings };
}
