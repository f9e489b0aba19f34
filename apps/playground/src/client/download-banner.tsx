/**
 * The model-download banner: while the local provider fetches a model from
 * the Hugging Face Hub (on its first use), it polls `/api/status` and shows
 * bytes, rate and time left, so a first request that waits for minutes does
 * not look hung.
 */
import { useEffect, useState } from "preact/hooks";
import { formatProgress } from "../download-progress.ts";
import { api, resultOf, type Status } from "./api.ts";

type Downloads = NonNullable<Status["downloads"]>;

/** Milliseconds between polls while a download runs, and while none does. */
const ACTIVE_POLL_MS = 1000;
const IDLE_POLL_MS = 2500;

/** The banner; renders nothing when no download has run. */
export function DownloadBanner(props: { initial: Status["downloads"] }) {
  const [downloads, setDownloads] = useState<Downloads | null>(props.initial);
  useEffect(() => {
    if (props.initial === null) return; // remote mode: nothing downloads here
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      let active = false;
      try {
        const status = await resultOf(api.status.$get());
        setDownloads(status.downloads);
        active = status.downloads?.active ?? false;
      } catch {
        // The server is gone or busy: try again later.
      }
      if (!stopped) timer = setTimeout(poll, active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
    };
    timer = setTimeout(poll, ACTIVE_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [props.initial]);
  if (downloads === null || downloads.files.length === 0) return null;
  const failed = downloads.files.filter((file) => file.failed);
  return (
    <div
      class={`downloads ${downloads.active ? "active" : "done"}`}
      role="status"
      data-testid="downloads"
    >
      {downloads.active
        ? `Fetching local models from the Hugging Face Hub (first use only) — ${formatProgress(downloads)}`
        : `${formatProgress(downloads)}; they run offline from now on.`}
      {failed.length > 0 &&
        ` ${failed.length} file${failed.length === 1 ? "" : "s"} failed; the next request retries.`}
    </div>
  );
}
