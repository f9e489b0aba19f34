/**
 * Progress of the model downloads the local provider makes: a `fetch` that
 * the playground hands to `@ratatoskr/provider-local-onnx` (its `fetch`
 * setting) counts the bytes of every file body as it streams, so the UI
 * (`/api/status`) and the terminal can show bytes, rate and time left. The
 * provider follows the Hub's redirects itself, one `fetch` per hop, so a
 * redirect's target is remembered as the file it resolves
 * (`/{org}/{name}/resolve/{revision}/{path}` on the Hub).
 */

/** One file the local provider fetched or is fetching. */
export interface FileDownload {
  /** The Hub repository (`org/name`), when the URL names it. */
  repo: string | undefined;
  /** The file's path in the repository (or the URL's last segment). */
  path: string;
  receivedBytes: number;
  /** From `content-length`; null when the server does not say. */
  totalBytes: number | null;
  done: boolean;
  /** Set when the body failed (a cut connection). */
  failed: boolean;
}

/** All downloads of this run, for `/api/status` and the terminal. */
export interface DownloadProgress {
  /** Whether any file is still streaming. */
  active: boolean;
  receivedBytes: number;
  /** Sum of the known sizes of the files in flight and done; null when one is unknown. */
  totalBytes: number | null;
  /** Bytes per second since the first byte of the files in flight (0 when idle). */
  bytesPerSecond: number;
  /** Seconds left at that rate; null when unknown or idle. */
  etaSeconds: number | null;
  files: FileDownload[];
}

/** Options of {@link createDownloadTracker}. */
export interface DownloadTrackerOptions {
  /** The `fetch` that does the work (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds since some epoch (default `performance.now`; tests pass a fake clock). */
  now?: () => number;
}

/** A `fetch` that counts download bytes, and what it counted. */
export interface DownloadTracker {
  fetch: typeof globalThis.fetch;
  progress(): DownloadProgress;
  /** Called after each chunk and when a file ends; returns a function that unsubscribes. */
  subscribe(listener: (file: FileDownload) => void): () => void;
}

const RESOLVE = /^\/(?:api\/resolve-cache\/models\/)?([^/]+\/[^/]+)\/(?:resolve\/)?[^/]+\/(.+)$/;

function urlOf(input: Parameters<typeof globalThis.fetch>[0]): string {
  if (typeof input === "string") return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** The repository and path a Hub URL names, else the URL's last segment. */
function nameOf(url: string): { repo: string | undefined; path: string } {
  const parsed = new URL(url);
  const match = RESOLVE.exec(parsed.pathname);
  if (match && /\/resolve\/|\/api\/resolve-cache\//.test(parsed.pathname)) {
    return {
      repo: decodeURIComponent(match[1]!),
      path: match[2]!.split("/").map(decodeURIComponent).join("/"),
    };
  }
  return { repo: undefined, path: decodeURIComponent(parsed.pathname.split("/").at(-1) ?? "") };
}

/** Create a tracker; pass its `fetch` to the local provider. */
export function createDownloadTracker(options: DownloadTrackerOptions = {}): DownloadTracker {
  const inner = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const files: FileDownload[] = [];
  const started = new Map<FileDownload, number>();
  /** Redirect targets → the file the redirecting URL named. */
  const redirects = new Map<string, { repo: string | undefined; path: string }>();
  const listeners = new Set<(file: FileDownload) => void>();
  const notify = (file: FileDownload) => {
    for (const listener of listeners) listener(file);
  };

  const tracked: typeof globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    const response = await inner(input, init);
    const name = redirects.get(url) ?? nameOf(url);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      redirects.set(new URL(location, url).href, name);
      return response;
    }
    if (!response.ok || response.body === null || init?.method === "HEAD") return response;
    const length = Number(response.headers.get("content-length"));
    const file: FileDownload = {
      ...name,
      receivedBytes: 0,
      totalBytes: Number.isFinite(length) && length >= 0 ? length : null,
      done: false,
      failed: false,
    };
    files.push(file);
    started.set(file, now());
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            file.done = true;
            started.delete(file);
            notify(file);
            controller.close();
            return;
          }
          file.receivedBytes += value.byteLength;
          notify(file);
          controller.enqueue(value);
        } catch (error) {
          file.failed = true;
          started.delete(file);
          notify(file);
          controller.error(error);
        }
      },
      cancel(reason) {
        if (!file.done) {
          file.failed = true;
          started.delete(file);
          notify(file);
        }
        return reader.cancel(reason);
      },
    });
    const counted = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(counted, "url", { value: response.url });
    return counted;
  };

  return {
    fetch: tracked,
    progress() {
      const active = files.filter((file) => !file.done && !file.failed);
      const receivedBytes = files.reduce((sum, file) => sum + file.receivedBytes, 0);
      const unknown = files.some((file) => file.totalBytes === null);
      const totalBytes = unknown
        ? null
        : files.reduce((sum, file) => sum + (file.totalBytes ?? 0), 0);
      const since = Math.min(...active.map((file) => started.get(file) ?? now()));
      const inFlight = active.reduce((sum, file) => sum + file.receivedBytes, 0);
      const seconds = active.length === 0 ? 0 : (now() - since) / 1000;
      const bytesPerSecond = seconds > 0 ? inFlight / seconds : 0;
      const left = active.reduce(
        (sum, file) => sum + Math.max(0, (file.totalBytes ?? Number.NaN) - file.receivedBytes),
        0,
      );
      return {
        active: active.length > 0,
        receivedBytes,
        totalBytes,
        bytesPerSecond,
        etaSeconds:
          active.length > 0 && bytesPerSecond > 0 && Number.isFinite(left)
            ? left / bytesPerSecond
            : null,
        files: files.map((file) => ({ ...file })),
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** `12.3 MB`, `850 kB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** One line for the terminal: `downloading models: 12.3 MB of 90.4 MB (13%), 4.1 MB/s, about 19 s left (Qdrant/… model.onnx)`. */
export function formatProgress(progress: DownloadProgress): string {
  const total = progress.totalBytes;
  const amount =
    total === null
      ? formatBytes(progress.receivedBytes)
      : `${formatBytes(progress.receivedBytes)} of ${formatBytes(total)} (${total === 0 ? 100 : Math.floor((100 * progress.receivedBytes) / total)}%)`;
  if (!progress.active) return `models downloaded: ${amount}`;
  const rate = `${formatBytes(progress.bytesPerSecond)}/s`;
  const eta =
    progress.etaSeconds === null ? "" : `, about ${Math.ceil(progress.etaSeconds)} s left`;
  const current = progress.files
    .filter((file) => !file.done && !file.failed)
    .map((file) => (file.repo === undefined ? file.path : `${file.repo} ${file.path}`))
    .join(", ");
  return `downloading models: ${amount}, ${rate}${eta} (${current})`;
}
