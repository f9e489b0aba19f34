/**
 * The request body as JSON, read up to a size limit: a larger body (by its
 * `content-length`, or as it arrives) is a 413, a body that is not JSON an
 * `invalid_input` error (400).
 */
import type { IncomingMessage } from "node:http";
import { abortedError, invalidInput } from "@ratatoskr/core";
import { errorResponse, HttpFailure } from "./openai-error.ts";

function tooLarge(limit: number): HttpFailure {
  return new HttpFailure(
    errorResponse(413, "request_too_large", `The request body is larger than ${limit} bytes`),
  );
}

/**
 * The raw body bytes, at most `limit` of them; rejects with a 413 failure
 * beyond, and with an `aborted` error when the client leaves mid-body.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
      request.off("close", onClose);
    };
    const onData = (piece: Buffer): void => {
      size += piece.length;
      if (size > limit) {
        cleanup();
        request.pause();
        reject(tooLarge(limit));
        return;
      }
      pieces.push(piece);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(pieces, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(abortedError());
    };
    request.on("data", onData);
    request.on("close", onClose);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}

/** The body parsed as JSON; an empty body or bad JSON is an `invalid_input` error naming `body`. */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const bytes = await readBody(request, limit);
  if (bytes.length === 0) throw invalidInput("body is required (a JSON object)", { field: "body" });
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalidInput("body is not valid JSON", { field: "body" });
  }
}
