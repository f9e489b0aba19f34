/**
 * Bounded reading of failed HTTP responses. An error body is read up to a
 * limit (64 KiB by default) and the rest is cancelled, which closes the
 * connection so the server stops sending: a 100 MiB error page costs 64 KiB
 * of memory, not 100 MiB, and never ends up in an error message. The text is
 * redacted before it is cut, so a key split by the cut cannot survive as a
 * fragment.
 */
import { redactSecrets } from "@ratatoskr/core";

/** Bytes of an error body read at most: 64 KiB. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Characters dropped from the end of a cut body after redaction: a secret
 * that straddled the cut is not recognisable there, so its fragment goes.
 * Longer than any API key shape (OpenAI project keys are about 170 characters).
 */
const CUT_MARGIN = 256;

/** Options of {@link readErrorBody} and {@link boundErrorBodies}. */
export interface ReadErrorBodyOptions {
  /** Bytes read at most (default {@link MAX_ERROR_BODY_BYTES}). */
  limitBytes?: number;
  /** The request's signal: a read failing because it aborted rethrows; other read failures keep what was read. */
  signal?: AbortSignal | null | undefined;
}

/**
 * The body of a failed response as text, redacted: at most `limitBytes`
 * bytes are read and the rest of the body is cancelled. A connection that
 * breaks while the body is read gives what arrived until then (the status
 * is what matters); an abort of `signal` rethrows.
 */
export async function readErrorBody(
  response: Response,
  options: ReadErrorBodyOptions = {},
): Promise<string> {
  const limit = options.limitBytes ?? MAX_ERROR_BODY_BYTES;
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let received = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        text += decoder.decode();
        finished = true;
        break;
      }
      const room = limit - received;
      if (value.byteLength > room) {
        // No final flush: an incomplete character at the cut is dropped.
        text += decoder.decode(value.subarray(0, room), { stream: true });
        break;
      }
      received += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (options.signal?.aborted || (error instanceof Error && error.name === "AbortError")) {
      throw error;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const redacted = redactSecrets(text);
  return finished ? redacted : redacted.slice(0, Math.max(0, redacted.length - CUT_MARGIN));
}

/**
 * Wrap `fetch` so that a failed response (status 400 or above) comes back
 * with its body replaced by {@link readErrorBody}'s bounded, redacted prefix
 * (the rest cancelled); other responses pass through untouched. Give it to
 * an SDK that reads error bodies itself (the `fetch` option of `openai`,
 * `@anthropic-ai/sdk`, `@huggingface/inference`). `fetchImplementation`
 * defaults to the global `fetch` at call time.
 */
export function boundErrorBodies(
  fetchImplementation?: typeof globalThis.fetch,
  options: Omit<ReadErrorBodyOptions, "signal"> = {},
): typeof globalThis.fetch {
  // A successful response passes through without another async layer.
  return (input, init) =>
    (fetchImplementation ?? globalThis.fetch)(input, init).then((response) =>
      response.status < 400 || response.body === null
        ? response
        : boundedErrorResponse(response, input, init, options),
    );
}

/** A failed `response` with its body replaced by the bounded, redacted prefix. */
async function boundedErrorResponse(
  response: Response,
  input: Parameters<typeof globalThis.fetch>[0],
  init: RequestInit | undefined,
  options: Omit<ReadErrorBodyOptions, "signal">,
): Promise<Response> {
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  const text = await readErrorBody(response, { ...options, signal });
  const headers = new Headers(response.headers);
  // The replacement body is decoded text of another length.
  for (const name of ["content-length", "content-encoding", "transfer-encoding"])
    headers.delete(name);
  const bounded = new Response(text, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  Object.defineProperty(bounded, "url", { value: response.url });
  return bounded;
}
