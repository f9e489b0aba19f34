/**
 * `[server]` and `[limits]` of the configuration file (the original's
 * `[server.limits]` too).
 */
import { isIP } from "node:net";
import { DEFAULT_ADDRESS, DEFAULT_LIMITS, type LimitsConfig } from "./ratd-config.ts";
import type { TableReader } from "./table-reader.ts";

/** `[server]` before secrets are joined: everything but the token. */
export interface ServerSection {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly loopback: boolean;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

/** Whether `host` only listens on this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/** `host:port` or `[v6]:port` read from `[server].address`. */
function parseAddress(server: TableReader, address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(address);
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || port > 65_535) {
    throw server.error(
      "address",
      `must be "host:port" (e.g. "127.0.0.1:9741" or "[::1]:9741"), port 0 to 65535; got ${JSON.stringify(address.slice(0, 60))}`,
    );
  }
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw server.error("address", `has an invalid IPv6 address ${JSON.stringify(host)}`);
  }
  return { host, port };
}

/** `[server]` (absent: the defaults); `[server.limits]` is returned for {@link readLimits}. */
export function readServer(server: TableReader | undefined): {
  section: ServerSection;
  limits: TableReader | undefined;
} {
  const address = server?.string("address") ?? DEFAULT_ADDRESS;
  const { host, port } =
    server === undefined ? { host: "127.0.0.1", port: 9741 } : parseAddress(server, address);
  if (server?.has("token")) {
    throw server.error(
      "token",
      "secrets do not belong in the configuration file: put `token` under [server] in secrets.toml (mode 0600), or set RATD_TOKEN",
    );
  }
  const tlsTable = server?.table("tls");
  let tls: ServerSection["tls"];
  if (tlsTable !== undefined) {
    const certFile = tlsTable.string("cert_file");
    const keyFile = tlsTable.string("key_file");
    tlsTable.finish();
    if (certFile === undefined || keyFile === undefined) {
      throw tlsTable.error(
        certFile === undefined ? "cert_file" : "key_file",
        "is missing: TLS needs both cert_file and key_file",
      );
    }
    tls = { certFile, keyFile };
  }
  const limits = server?.table("limits");
  server?.finish(["address", "tls", "limits"]);
  return { section: { address, host, port, loopback: isLoopbackHost(host), tls }, limits };
}

const LIMIT_KEYS = [
  "max_concurrent_requests",
  "max_concurrent_requests_per_client",
  "request_timeout_secs",
  "max_request_bytes",
  "max_message_bytes",
  "shutdown_grace_secs",
] as const;

type LimitValues = { -readonly [K in keyof LimitsConfig]?: LimitsConfig[K] };

function readLimitTable(limits: TableReader): LimitValues {
  const values: LimitValues = {};
  const set = <K extends keyof LimitsConfig>(field: K, value: LimitsConfig[K] | undefined) => {
    if (value !== undefined) values[field] = value;
  };
  set(
    "maxConcurrentRequests",
    limits.integer("max_concurrent_requests", { min: 1, max: 1_000_000 }),
  );
  set(
    "maxConcurrentRequestsPerClient",
    limits.integer("max_concurrent_requests_per_client", { min: 1, max: 1_000_000 }),
  );
  set("requestTimeoutSeconds", limits.integer("request_timeout_secs", { min: 0, max: 86_400 }));
  set("maxRequestBytes", limits.integer("max_request_bytes", { min: 1024, max: 1024 ** 3 }));
  set("maxMessageBytes", limits.integer("max_message_bytes", { min: 1024, max: 1024 ** 3 }));
  set("shutdownGraceSeconds", limits.integer("shutdown_grace_secs", { min: 0, max: 3600 }));
  limits.finish([...LIMIT_KEYS]);
  return values;
}

/**
 * `[limits]` over `[server.limits]` over the defaults. A key set in both
 * tables is an error (which one wins would be a guess).
 */
export function readLimits(
  limits: TableReader | undefined,
  serverLimits: TableReader | undefined,
): LimitsConfig {
  const nested = serverLimits === undefined ? {} : readLimitTable(serverLimits);
  const top = limits === undefined ? {} : readLimitTable(limits);
  for (const key of LIMIT_KEYS) {
    if (limits?.has(key) && serverLimits?.has(key)) {
      throw limits.error(key, `is also set in [server.limits]; keep one`);
    }
  }
  const merged = { ...DEFAULT_LIMITS, ...nested, ...top };
  if (
    merged.maxConcurrentRequestsPerClient !== undefined &&
    merged.maxConcurrentRequestsPerClient > merged.maxConcurrentRequests
  ) {
    throw (
      limits?.has("max_concurrent_requests_per_client") ? limits : (serverLimits ?? limits)
    )!.error(
      "max_concurrent_requests_per_client",
      `(${merged.maxConcurrentRequestsPerClient}) must not exceed max_concurrent_requests (${merged.maxConcurrentRequests})`,
    );
  }
  return Object.freeze(merged);
}
