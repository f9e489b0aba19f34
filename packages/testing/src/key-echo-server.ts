/**
 * A loopback server that answers every request with an error that echoes the
 * credentials it received — in the body, the error message, a header and the
 * status line — as a careless or hostile upstream might. Provider tests point
 * a provider at it and prove the key appears in none of the error's renderings.
 */
import type { IncomingMessage } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "./loopback-server.ts";

/** Options of {@link startKeyEchoServer}. */
export interface KeyEchoServerOptions {
  /** HTTP status of every answer (default 401). */
  status?: number;
  /**
   * The response body for the credential received (the bare key, without
   * `Bearer `). Default: {@link keyEchoBody}, a JSON error every provider's
   * error mapping reads (OpenAI, Anthropic, Ollama and Hugging Face shapes).
   */
  body?: (credential: string) => string;
  /** Content type of the answer (default `application/json`). */
  contentType?: string;
}

/** Header the server echoes the received `Authorization` / `x-api-key` value in. */
export const KEY_ECHO_HEADER = "x-echoed-credential";

/**
 * The credential a request carried: the `x-api-key` header, else the
 * `Authorization` header without its scheme (`Bearer `, `Basic `); `""` when none.
 */
export function credentialOf(request: Pick<IncomingMessage, "headers">): string {
  const apiKey = request.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey !== "") return apiKey;
  const authorization = request.headers.authorization ?? "";
  return authorization.replace(/^[A-Za-z]+\s+/, "");
}

/**
 * The default echoing body: an error object with `type`, `code` and a
 * `message` naming the bare credential (an OpenAI-, Anthropic-, Ollama- and
 * Hugging Face-readable shape), plus the credential again in a nested field.
 */
export function keyEchoBody(credential: string): string {
  return JSON.stringify({
    type: "error",
    error: {
      type: "authentication_error",
      code: "invalid_api_key",
      message: `Incorrect credential provided: ${credential}. Check it and try again.`,
      received: { credential },
    },
  });
}

/**
 * Start a {@link LoopbackServer} (127.0.0.1, ephemeral port) that answers
 * every request with `status` (401 by default) and the credential it received
 * echoed in the body, the status line and the {@link KEY_ECHO_HEADER} header.
 * `requests` records what was sent (to prove the key did reach the server).
 */
export function startKeyEchoServer(options: KeyEchoServerOptions = {}): Promise<LoopbackServer> {
  const status = options.status ?? 401;
  const body = options.body ?? keyEchoBody;
  return startLoopbackServer((request, response) => {
    const credential = credentialOf(request);
    response.writeHead(status, `Refused ${credential}`.trim(), {
      "content-type": options.contentType ?? "application/json",
      [KEY_ECHO_HEADER]:
        `${request.headers.authorization ?? ""} ${request.headers["x-api-key"] ?? ""}`.trim(),
    });
    response.end(body(credential));
  });
}
