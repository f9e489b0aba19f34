/**
 * One request that sets every standard chat setting at once, shared by the
 * providers' exact-request-body tests: each asserts the whole body it
 * sends for these settings and the warnings it gives for what it cannot
 * send, so one provider's table of options stays comparable with another's.
 */
import { type ChatSettingsV1, Message, type ToolDefinition } from "@ratatoskr/core";

/** The conversation of the request: a system and a user message. */
export const WEATHER_MESSAGES = [Message.system("Be brief."), Message.user("Weather in Paris?")];

/** The JSON Schema of the weather tool's arguments. */
export const WEATHER_PARAMETERS = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
};

/** The weather tool. */
export const WEATHER_TOOL: ToolDefinition = {
  name: "get_weather",
  description: "Weather by city",
  parameters: WEATHER_PARAMETERS,
};

/** The structured-output schema: an object with an optional property. */
export const REPORT_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, celsius: { type: "number" } },
  required: ["city"],
};

/** {@link REPORT_SCHEMA} with a keyword OpenAI's strict mode refuses (`minLength`), for the strict-subset transform. */
export const STRICT_REFUSED_REPORT_SCHEMA = {
  ...REPORT_SCHEMA,
  properties: { city: { type: "string", minLength: 1 }, celsius: { type: "number" } },
};

/**
 * Every standard chat setting at once (`overrides` replace whole settings):
 * the weather tool forced by name, sampling, limits, stop, seed, penalties,
 * a strict `json_schema` response format (with `reportSchema`), reasoning
 * and prompt caching.
 */
export function everyChatOption(
  overrides: Partial<ChatSettingsV1> = {},
  reportSchema: Record<string, unknown> = REPORT_SCHEMA,
): ChatSettingsV1 {
  return {
    tools: [WEATHER_TOOL],
    toolChoice: { name: "get_weather" },
    parallelToolCalls: false,
    temperature: 0.3,
    topP: 0.9,
    topK: 40,
    maxTokens: 256,
    stop: ["END"],
    seed: 7,
    frequencyPenalty: 0.5,
    presencePenalty: 0.25,
    responseFormat: {
      type: "json_schema",
      name: "report",
      description: "A weather report",
      schema: reportSchema,
      strict: true,
    },
    reasoning: { effort: "high", maxTokens: 2048, exclude: true },
    cachePrompt: true,
    ...overrides,
  };
}
