/**
 * The Ollama provider's model catalog, through the `ollama` client (the
 * provider's server URL, headers, error mapping, the call's signal):
 *
 * - `listModels`: `GET /api/tags`, the pulled models. The list says little
 *   of what a model does: a name or family that says `embed` / `bert` is
 *   `Embed`, any other model `Chat` and `ChatStreaming`. Ask
 *   `fetchModelMetadata` for what the model itself declares.
 * - `fetchModelMetadata`: `POST /api/show` as a registry record: the
 *   model's declared `capabilities` (`completion` → `Chat`, `ChatStreaming`;
 *   `tools` → `ToolUse`; `embedding` → `Embed`), the context window
 *   (`model_info["<architecture>.context_length"]`) and, for embedding
 *   models, the dimensions (`"<architecture>.embedding_length"`). A model
 *   that is not pulled is `undefined`.
 * - `modelStatus`: `ready` when `GET /api/ps` lists it as loaded (its
 *   `size_vram` as `memoryBytes`), `available` when it is pulled, else
 *   `unavailable` with the `ollama pull` command to run.
 *
 * @see https://docs.ollama.com/api/tags
 * @see https://docs.ollama.com/api/show
 * @see https://docs.ollama.com/api/ps
 */
import {
  abortedError,
  type CallRequestV1,
  type ListedModelV1,
  type ListModelsResultV1,
  type ModelCapability,
  type ModelCatalogV1,
  type ModelMetadata,
  type ModelStatusResultV1,
  type ParameterAvailability,
  RatatoskrError,
} from "@ratatoskr/core";
import type { Ollama } from "ollama/browser";
import { type OllamaClientContext, openOllamaRequest } from "./ollama-client.ts";
import { mapOllamaError } from "./ollama-error.ts";

/** A model of `/api/tags` or `/api/ps`, as much as the catalog reads. */
interface WireModel {
  name?: unknown;
  model?: unknown;
  size?: unknown;
  size_vram?: unknown;
  details?: { family?: unknown; families?: unknown } | null;
}

/** The `/api/show` answer, as much as the catalog reads. */
interface WireShow {
  capabilities?: unknown;
  model_info?: Record<string, unknown> | null;
  parameters?: unknown;
  details?: { family?: unknown; families?: unknown } | null;
}

const EMBEDDING_NAME = /embed|bert|minilm|bge|e5-|gte-/i;

/** `name` with Ollama's default tag: `llama3.2` is `llama3.2:latest`. */
export function ollamaModelKey(name: string): string {
  const last = name.slice(name.lastIndexOf("/") + 1);
  return last.includes(":") ? name : `${name}:latest`;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function familiesOf(details: WireModel["details"]): string[] {
  const families = Array.isArray(details?.families) ? details.families : [];
  return [details?.family, ...families].filter((name): name is string => typeof name === "string");
}

/** What a pulled model can do, guessed from its name and families (see the module comment). */
function guessCapabilities(name: string, details: WireModel["details"]): ModelCapability[] {
  const embedding = [name, ...familiesOf(details)].some((text) => EMBEDDING_NAME.test(text));
  return embedding ? ["Embed"] : ["Chat", "ChatStreaming"];
}

/** The registry capabilities of `/api/show`'s `capabilities`. */
function declaredCapabilities(declared: readonly unknown[]): ModelCapability[] {
  const capabilities: ModelCapability[] = [];
  if (declared.includes("completion")) capabilities.push("Chat", "ChatStreaming");
  if (declared.includes("tools")) capabilities.push("ToolUse");
  if (declared.includes("embedding")) capabilities.push("Embed");
  return capabilities;
}

/** The defaults a Modelfile sets (`/api/show`'s `parameters`: `temperature 0.6\nnum_ctx 4096`). */
function modelfileDefaults(parameters: unknown): Map<string, number> {
  const defaults = new Map<string, number>();
  if (typeof parameters !== "string") return defaults;
  for (const line of parameters.split("\n")) {
    const [name, value] = line.trim().split(/\s+/, 2);
    const number = Number(value);
    if (name !== undefined && value !== undefined && Number.isFinite(number)) {
      defaults.set(name, number);
    }
  }
  return defaults;
}

/** The request parameters of an Ollama chat model (its `options` names), with the Modelfile's defaults. */
function chatParameters(
  defaults: Map<string, number>,
  tools: boolean,
): Record<string, ParameterAvailability> {
  const ranged = (min: number, max: number | undefined, name: string): ParameterAvailability => {
    const fallback = defaults.get(name);
    return {
      availability: "mutable",
      range: {
        min,
        ...(max === undefined ? {} : { max }),
        ...(fallback === undefined ? {} : { default: fallback }),
      },
    };
  };
  return {
    num_ctx: ranged(1, undefined, "num_ctx"),
    num_predict: { availability: "opaque" },
    seed: { availability: "opaque" },
    stop: { availability: "opaque" },
    temperature: ranged(0, 2, "temperature"),
    tools: tools ? { availability: "opaque" } : { availability: "unsupported" },
    top_k: ranged(0, undefined, "top_k"),
    top_p: ranged(0, 1, "top_p"),
  };
}

function shapeError(context: OllamaClientContext, path: string, problem: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `${context.provider} answered ${path} with an unexpected body: ${problem}`,
    provider: context.provider,
  });
}

/** The `models` array of a `/api/tags` or `/api/ps` answer. */
function modelsOf(context: OllamaClientContext, body: unknown, path: string): WireModel[] {
  const models = (body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw shapeError(context, path, 'expected {"models": [...]}');
  return models.filter(
    (entry): entry is WireModel =>
      typeof entry === "object" && entry !== null && typeof entry.name === "string",
  );
}

/** The model catalog of the Ollama provider (see the module comment). */
export function createOllamaModelCatalog(context: OllamaClientContext): ModelCatalogV1 {
  /** One request through the `ollama` client with the call's signal, errors mapped. */
  async function withClient<T>(
    signal: AbortSignal,
    model: string | undefined,
    body: (client: Ollama) => Promise<T>,
  ): Promise<T> {
    if (signal.aborted) throw abortedError(signal);
    const upstream = await openOllamaRequest(context, {
      signal,
      ...(model === undefined ? {} : { model }),
      stream: false,
    });
    try {
      const result = await body(upstream.client);
      if (signal.aborted) throw abortedError(signal);
      return result;
    } catch (error) {
      throw mapOllamaError(error, {
        provider: context.provider,
        ...(model === undefined ? {} : { model }),
        baseURL: context.baseURL,
        signal,
        networkErrorHint: context.networkErrorHint,
      });
    } finally {
      upstream.dispose();
    }
  }

  const tags = (signal: AbortSignal, model?: string) =>
    withClient(signal, model, async (client) =>
      modelsOf(context, await client.list(), "GET /api/tags"),
    );

  return {
    async listModels(request): Promise<ListModelsResultV1> {
      const models: ListedModelV1[] = (await tags(request.signal)).map((entry) => {
        const name = entry.name as string;
        return {
          id: name,
          provider: context.provider,
          capabilities: guessCapabilities(name, entry.details),
          source: "provider",
        };
      });
      return { models };
    },

    async fetchModelMetadata(request: CallRequestV1): Promise<ModelMetadata | undefined> {
      let shown: WireShow;
      try {
        shown = (await withClient(request.signal, request.model, (client) =>
          client.show({ model: request.model }),
        )) as unknown as WireShow;
      } catch (error) {
        if (RatatoskrError.isInstance(error) && error.code === "model_not_found") return undefined;
        throw error;
      }
      if (typeof shown !== "object" || shown === null) {
        throw shapeError(context, "POST /api/show", "not an object");
      }
      const info = shown.model_info ?? {};
      const architecture = info["general.architecture"];
      const read = (key: string) =>
        typeof architecture === "string" ? count(info[`${architecture}.${key}`]) : undefined;
      const capabilities = Array.isArray(shown.capabilities)
        ? declaredCapabilities(shown.capabilities)
        : guessCapabilities(request.model, shown.details);
      const embedding = capabilities.includes("Embed");
      const chat = capabilities.includes("Chat");
      return {
        info: {
          id: request.model,
          provider: context.provider,
          capabilities,
          context_window: read("context_length") ?? null,
          dimensions: embedding ? (read("embedding_length") ?? null) : null,
        },
        parameters: chat
          ? chatParameters(modelfileDefaults(shown.parameters), capabilities.includes("ToolUse"))
          : {},
      };
    },

    async modelStatus(request: CallRequestV1): Promise<ModelStatusResultV1> {
      const key = ollamaModelKey(request.model);
      const matches = (entry: WireModel) =>
        [entry.name, entry.model].some(
          (name) => typeof name === "string" && ollamaModelKey(name) === key,
        );
      const pulled = (await tags(request.signal, request.model)).some(matches);
      if (!pulled) {
        return {
          state: "unavailable",
          reason: `not pulled (ollama pull ${request.model})`,
        };
      }
      const loaded = (
        await withClient(request.signal, request.model, async (client) =>
          modelsOf(context, await client.ps(), "GET /api/ps"),
        )
      ).find(matches);
      if (loaded === undefined) return { state: "available" };
      const vram = count(loaded.size_vram);
      const size = count(loaded.size);
      const memoryBytes = vram !== undefined && vram > 0 ? vram : size;
      return {
        state: "ready",
        ...(vram === undefined ? {} : { device: vram > 0 ? "gpu" : "cpu" }),
        ...(memoryBytes === undefined ? {} : { memoryBytes }),
      };
    },
  };
}
