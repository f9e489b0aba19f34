/** Which hosts count as loopback: binding anything else needs a bearer token. */
import { isIP } from "node:net";

/** Whether `host` is a loopback address or name (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (bare.toLowerCase().startsWith("::ffff:")) return isLoopbackHost(bare.slice("::ffff:".length));
  return isIP(bare) === 6 && (bare === "::1" || bare === "0:0:0:0:0:0:0:1");
}
