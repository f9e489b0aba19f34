/**
 * The gateway conformance suite of `@ratatoskr/testing`, run against the
 * embedded gateway and against a `ServiceClient` pointed at a real `ratd`
 * (`startRatd` on a free loopback port) serving the same mock provider: the
 * issue's done-criterion for service mode.
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { startRatd } from "@ratatoskr/server";
import { runGatewayConformance } from "@ratatoskr/testing/conformance";
import { createServiceClient } from "../src/index.ts";

runGatewayConformance("embedded Gateway", async (mock) => {
  const gateway = await Ratatoskr.builder().use(mock).build();
  return { gateway, close: () => gateway.dispose() };
});

runGatewayConformance("ServiceClient → ratd", async (mock) => {
  const served = await Ratatoskr.builder().use(mock).build();
  const ratd = await startRatd({ gateway: served, port: 0 });
  const client = createServiceClient(ratd.url);
  // capabilities() and modelMetadata() are synchronous: answered from what ready() fetched.
  await client.ready();
  return {
    gateway: client,
    close: async () => {
      await client.close();
      await ratd.close({ graceMs: 0 });
      await served.dispose();
    },
  };
});
