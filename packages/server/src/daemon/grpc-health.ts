/**
 * The standard gRPC health service (`grpc.health.v1.Health/Check`), for
 * `grpc_health_probe`, Kubernetes gRPC probes and load balancers. `Watch`
 * is not served (`UNIMPLEMENTED`).
 */
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { Ratatoskr } from "@ratatoskr/protocol";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.ts";

/**
 * A router setup serving `grpc.health.v1.Health/Check`: the server as a
 * whole (service `""`) and `ratatoskr.v1.Ratatoskr` are `SERVING` while
 * `serving()` says so, else `NOT_SERVING`; another service is `NOT_FOUND`,
 * as the protocol asks.
 */
export function createGrpcHealthService(serving: () => boolean): (router: ConnectRouter) => void {
  return (router) => {
    router.service(Health, {
      check: (request) => {
        if (request.service !== "" && request.service !== Ratatoskr.typeName) {
          throw new ConnectError(`unknown service ${request.service}`, Code.NotFound);
        }
        return {
          status: serving()
            ? HealthCheckResponse_ServingStatus.SERVING
            : HealthCheckResponse_ServingStatus.NOT_SERVING,
        };
      },
    });
  };
}

/** The name of the health service, which answers without a token. */
export const GRPC_HEALTH_SERVICE = Health.typeName;
