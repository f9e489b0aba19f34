/**
 * Test support (not exported from the package): v1 requests as the gateway
 * hands them to the provider — the model without its prefix, this
 * provider's own options entry (none unless given), and a signal (one that
 * never fires unless given) — and the calls of the user API built on them,
 * so the pipeline tests read as before.
 */
import type {
  ClassificationRequestV1,
  ClassificationResultV1,
  Embedding,
  EmbeddingRequestV1,
  GenerationRequestV1,
  GenerationResultV1,
  GenerationSettingsV1,
  GenerationStreamPartV1,
  NliPair,
  NliRequestV1,
  NliResult,
} from "@ratatoskr/core";
import type { LocalOnnxProvider } from "./local-onnx-provider.ts";

/** What a test may set on any request besides its payload. */
export interface RequestExtras {
  signal?: AbortSignal;
  providerOptions?: Record<string, unknown>;
}

function base(model: string, extras: RequestExtras) {
  return {
    model,
    providerOptions: extras.providerOptions ?? {},
    signal: extras.signal ?? new AbortController().signal,
  };
}

/** An embedding request for `values`. */
export function embedRequest(
  values: readonly string[],
  model: string,
  extras: RequestExtras = {},
): EmbeddingRequestV1 {
  return { ...base(model, extras), values };
}

/** An NLI request for `pairs`. */
export function nliRequest(
  pairs: readonly NliPair[],
  model: string,
  extras: RequestExtras = {},
): NliRequestV1 {
  return { ...base(model, extras), pairs };
}

/** A zero-shot classification request. */
export function classifyRequest(
  text: string,
  labels: readonly string[],
  model: string,
  settings: ClassificationRequestV1["settings"] = {},
  extras: RequestExtras = {},
): ClassificationRequestV1 {
  return { ...base(model, extras), text, labels, settings };
}

/** A generation request. */
export function generationRequest(
  prompt: string,
  model: string,
  settings: GenerationSettingsV1 = {},
  extras: RequestExtras = {},
): GenerationRequestV1 {
  return { ...base(model, extras), prompt, settings };
}

/** `embed()` of one text, as the gateway sends it: a request with one value. */
export async function embedOne(
  provider: LocalOnnxProvider,
  text: string,
  model: string,
  extras: RequestExtras = {},
): Promise<Embedding> {
  return (await provider.embedding.embed(embedRequest([text], model, extras))).embeddings[0]!;
}

/** Every text of `texts` in one request (as `embedBatch()` sends a chunk). */
export async function embedMany(
  provider: LocalOnnxProvider,
  texts: readonly string[],
  model: string,
  extras: RequestExtras = {},
): Promise<readonly Embedding[]> {
  return (await provider.embedding.embed(embedRequest(texts, model, extras))).embeddings;
}

/** `inferNli()` of one pair: a request with one pair. */
export async function inferOne(
  provider: LocalOnnxProvider,
  premise: string,
  hypothesis: string,
  model: string,
  extras: RequestExtras = {},
): Promise<NliResult> {
  return (await provider.nli.infer(nliRequest([{ premise, hypothesis }], model, extras)))
    .results[0]!;
}

/** Every pair in one request. */
export async function inferMany(
  provider: LocalOnnxProvider,
  pairs: readonly NliPair[],
  model: string,
  extras: RequestExtras = {},
): Promise<readonly NliResult[]> {
  return (await provider.nli.infer(nliRequest(pairs, model, extras))).results;
}

/** A zero-shot classification with the caller's classify options. */
export function classify(
  provider: LocalOnnxProvider,
  text: string,
  labels: readonly string[],
  model: string,
  options: ClassificationRequestV1["settings"] & RequestExtras = {},
): Promise<ClassificationResultV1> {
  const { signal, providerOptions, ...settings } = options;
  return provider.classification.classifyZeroShot(
    classifyRequest(text, labels, model, settings, {
      ...(signal === undefined ? {} : { signal }),
      ...(providerOptions === undefined ? {} : { providerOptions }),
    }),
  );
}

/** Generation options as a caller writes them: the model, the standard settings, the extras. */
export type GenerateCall = { model: string } & GenerationSettingsV1 & RequestExtras;

function generationRequestOf(prompt: string, call: GenerateCall): GenerationRequestV1 {
  const { model, signal, providerOptions, ...settings } = call;
  return generationRequest(prompt, model, settings, {
    ...(signal === undefined ? {} : { signal }),
    ...(providerOptions === undefined ? {} : { providerOptions }),
  });
}

/** `generation.complete` with caller-style options. */
export function generate(
  provider: LocalOnnxProvider,
  prompt: string,
  call: GenerateCall,
): Promise<GenerationResultV1> {
  return provider.generation.complete(generationRequestOf(prompt, call));
}

/** `generation.stream` with caller-style options. */
export function generateStream(
  provider: LocalOnnxProvider,
  prompt: string,
  call: GenerateCall,
): AsyncIterable<GenerationStreamPartV1> {
  return provider.generation.stream(generationRequestOf(prompt, call));
}
