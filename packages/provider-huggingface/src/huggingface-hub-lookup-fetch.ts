/**
 * The `fetch` that `@huggingface/inference` uses for its own Hub lookups
 * (the inference-provider mapping of a model): error bodies come back cut to
 * a bounded prefix, and the latest failure is remembered for the error.
 */
import { boundErrorBodies } from "@ratatoskr/provider-utils";

/** What the SDK's Hub lookup got back when it failed. */
export interface HubLookupFailure {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * The `fetch` the SDK's Hub lookups (inference-provider mapping) use: error
 * bodies cut to a bounded prefix (the SDK reads them itself), and the
 * latest failure remembered, because the SDK reports a cut JSON body as a
 * bare `SyntaxError` without the status.
 */
export class HubLookupFetch {
  /** The latest failed response, if any. */
  failure: HubLookupFailure | undefined;
  readonly fetch: typeof globalThis.fetch;

  constructor(fetchImplementation: typeof globalThis.fetch) {
    const bounded = boundErrorBodies(fetchImplementation);
    this.fetch = async (input, init) => {
      const response = await bounded(input, init);
      if (!response.ok) {
        const body = await response.clone().text();
        this.failure = { status: response.status, headers: response.headers, body };
      }
      return response;
    };
  }
}
