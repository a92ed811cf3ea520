import { describe, expect, it } from "vitest";
import { LimitScopeUnavailableError } from "./errors";
import { scopedLimitKey, toLimitRequest, type LimitContext } from "./keys";

const context: LimitContext = { orgId: "org_1", serverId: "srv_1", grantId: "grt_1", sessionId: "ses_1" };

describe("scopedLimitKey", () => {
  it("builds one key shape per scope", () => {
    const key = (scope: "grant" | "session" | "server" | "org") => scopedLimitKey({ counter: "rate", scope }, context);
    expect(key("grant")).toBe("org:org_1:srv:srv_1:grant:grt_1:c:rate");
    expect(key("session")).toBe("org:org_1:srv:srv_1:sess:ses_1:c:rate");
    expect(key("server")).toBe("org:org_1:srv:srv_1:c:rate");
    expect(key("org")).toBe("org:org_1:c:rate");
  });

  it("keeps grants and servers apart", () => {
    const limit = { counter: "rate", scope: "grant" as const };
    const other = [
      scopedLimitKey(limit, { ...context, grantId: "grt_2" }),
      scopedLimitKey(limit, { ...context, serverId: "srv_2" }),
      scopedLimitKey(limit, { ...context, orgId: "org_2" }),
    ];
    expect(new Set([scopedLimitKey(limit, context), ...other]).size).toBe(4);
  });

  it("encodes separators so an id cannot forge another key", () => {
    const forged = scopedLimitKey({ counter: "rate", scope: "grant" }, { ...context, grantId: "x:c:rate" });
    expect(forged).toBe("org:org_1:srv:srv_1:grant:x%3Ac%3Arate:c:rate");
    const counter = scopedLimitKey({ counter: "a:b", scope: "org" }, context);
    expect(counter).toBe("org:org_1:c:a%3Ab");
  });

  it("throws a typed error when the call has no id for the scope", () => {
    const sessionless = { orgId: "o", serverId: "s", grantId: "g" };
    expect(() => scopedLimitKey({ counter: "n", scope: "session" }, sessionless)).toThrow(LimitScopeUnavailableError);
    expect(() => scopedLimitKey({ counter: "n", scope: "grant" }, { orgId: "o", serverId: "s" })).toThrow(
      /limit `n` has scope `grant`/,
    );
  });
});

describe("toLimitRequest", () => {
  it("turns the seed policy's limit into a limiter request", () => {
    const limit = { counter: "start_dicom_import_job_rate", window: "minute" as const, max: 10, scope: "grant" as const };
    expect(toLimitRequest(limit, context)).toEqual({
      key: "org:org_1:srv:srv_1:grant:grt_1:c:start_dicom_import_job_rate",
      window: "minute",
      max: 10,
      cost: 1,
    });
    expect(toLimitRequest(limit, context, 250).cost).toBe(250);
  });
});
