import { describe, expect, it } from "vitest";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { warningFromProto, warningToProto } from "./warning-mapping.ts";

describe("warning mapping", () => {
  it("the gateway's cache_unavailable goes as an other warning naming the store", () => {
    const proto = warningToProto({
      type: "cache_unavailable",
      store: "redis",
      details: "connection refused",
      provider: "acme",
    });
    expect(proto.type).toBe(pb.WarningType.OTHER);
    expect(proto.subject).toBe("redis");
    expect(proto.details).toBe("connection refused");
    expect(proto.provider).toBe("acme");
    expect(warningFromProto(proto)).toEqual({
      type: "other",
      message: 'the response cache "redis" is unavailable (connection refused)',
      provider: "acme",
    });
  });
});
