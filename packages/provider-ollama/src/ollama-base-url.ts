/**
 * Where the Ollama server is: an explicit `baseURL`, else `OLLAMA_HOST`
 * read the way Ollama's own CLI reads it, else `http://localhost:11434`.
 *
 * @see https://github.com/ollama/ollama/blob/main/envconfig/config.go
 * @see https://docs.ollama.com/faq#how-do-i-configure-ollama-server
 */

/** Ollama's default address. */
export const OLLAMA_DEFAULT_BASE_URL = "http://localhost:11434";

/**
 * Normalise an `OLLAMA_HOST`-style value: `0.0.0.0`, `host:port`,
 * `http://host` (port 80), `https://host` (port 443), `host` (port 11434).
 * The result has no trailing slash and no `/v1` suffix.
 */
export function resolveOllamaBaseURL(value: string | undefined = process.env.OLLAMA_HOST): string {
  const raw = (value ?? "").trim().replace(/\/+$/, "");
  if (raw === "") return OLLAMA_DEFAULT_BASE_URL;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(raw);
  const scheme = schemeMatch ? schemeMatch[1]!.toLowerCase() : "http";
  const rest = schemeMatch ? schemeMatch[2]! : raw;
  const defaultPort = !schemeMatch
    ? "11434"
    : scheme === "https"
      ? "443"
      : scheme === "http"
        ? "80"
        : "11434";
  const slash = rest.indexOf("/");
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = (slash === -1 ? "" : rest.slice(slash)).replace(/\/v1$/, "");
  const hasPort = /^\[[^\]]+\]:\d+$/.test(hostPort) || /^[^:[\]]+:\d+$/.test(hostPort);
  const host = hostPort === "" ? "127.0.0.1" : hostPort;
  return `${scheme}://${hasPort ? host : `${host}:${defaultPort}`}${path}`;
}
