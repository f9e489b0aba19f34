/**
 * Progress of long local work: while a call runs, the model's status is
 * asked (`modelStatus`) and a line goes to stderr each time a download or a
 * load makes visible progress — no spinner, so logs stay readable.
 */
import type { ModelGateway, ModelStatus } from "@ratatoskr/core";

/** Default pause between two status checks. */
export const PROGRESS_INTERVAL_MS = 1000;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * The progress line for `status`, or `undefined` when there is nothing in
 * progress. A download's percentage moves in steps of 10, so a line is
 * printed at most ten times per download.
 */
export function describeProgress(status: ModelStatus): string | undefined {
  if (status.state === "loading") return `loading model ${status.model}…`;
  if (status.state !== "downloading") return undefined;
  const progress = status.progress;
  if (progress === undefined) return `downloading model ${status.model}…`;
  if (progress.totalBytes === undefined || progress.totalBytes <= 0)
    return `downloading model ${status.model}… ${megabytes(progress.receivedBytes)}`;
  const percent = Math.floor((progress.receivedBytes / progress.totalBytes) * 10) * 10;
  return `downloading model ${status.model}… ${percent}% of ${megabytes(progress.totalBytes)}`;
}

/**
 * Watch `model`'s status until the returned function is called, writing
 * each new progress line. The first check runs at once; a failing check is
 * ignored (progress is a courtesy, never an error).
 */
export function watchModelProgress(
  gateway: Pick<ModelGateway, "modelStatus">,
  model: string,
  write: (line: string) => void,
  intervalMs: number = PROGRESS_INTERVAL_MS,
): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: string | undefined;
  const check = async (): Promise<void> => {
    try {
      const line = describeProgress(
        await gateway.modelStatus(model, { signal: controller.signal }),
      );
      if (line !== undefined && line !== last && !controller.signal.aborted) write(`${line}\n`);
      last = line;
    } catch {
      // A status check that fails says nothing about the call itself.
    }
    if (controller.signal.aborted) return;
    timer = setTimeout(check, intervalMs);
    timer.unref?.();
  };
  void check();
  return () => {
    controller.abort();
    clearTimeout(timer);
  };
}
