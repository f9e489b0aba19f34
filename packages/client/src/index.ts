/**
 * @ratatoskr/client: the remote Ratatoskr client. `createServiceClient(url)`
 * implements `ModelGateway` over the `ratatoskr.v1` gRPC protocol of a
 * running daemon (`ratd`), so an application switches from embedded to
 * remote mode by changing one line.
 *
 * @packageDocumentation
 */
export * from "./client-options.ts";
export { isTransportFailure } from "./rpc-runner.ts";
export * from "./service-client.ts";
