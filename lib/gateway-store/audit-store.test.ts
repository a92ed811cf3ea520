import { describe, expect, it } from "vitest";
import { makeEvent } from "../../gateway/audit/testing";
import type { AuditEvent } from "../../gateway/ports";
import { auditBatchJson, toAuditRow } from "./audit-store";

describe("audit event rows", () => {
  it("map the event's fields, time as UTC ISO text and no arguments as no key (SQL NULL)", () => {
    const row = toAuditRow(makeEvent(1));
    expect(row).toMatchObject({ id: makeEvent(1).id, orgId: "org_test", method: "tools/call", argKeys: ["text"], policyVersion: 1 });
    expect(row.time).toBe(new Date(makeEvent(1).time).toISOString());
    expect("args" in row).toBe(false);
  });

  it("carry the operation, and read an event spilled before it existed as none", () => {
    expect(toAuditRow(makeEvent(1, { operation: "delete-job" })).operation).toBe("delete-job");
    const { operation: _omitted, ...spilledEarlier } = makeEvent(1);
    expect(toAuditRow(spilledEarlier as AuditEvent).operation).toBeNull();
  });

  it("keep argument values as JSON, and never send numbers the columns would refuse", () => {
    const row = toAuditRow({ ...makeEvent(1), args: { q: "x" }, latencyMs: Number.NaN, upstreamStatus: 2 ** 40, policyVersion: 1.5 });
    expect(row).toMatchObject({ args: { q: "x" }, latencyMs: null, upstreamStatus: null, policyVersion: null });
  });

  it("make a batch jsonb accepts: NUL and lone surrogates in any field become U+FFFD, pairs stay", () => {
    const event = { ...makeEvent(1), tool: "t\u0000ol", requestId: "\ud800", argKeys: ["k\udfff"], args: { "\u0000": "ok \ud83d\ude00" } };
    const parsed = JSON.parse(auditBatchJson([event]))[0];
    expect(parsed).toMatchObject({ tool: "t\uFFFDol", requestId: "\uFFFD", argKeys: ["k\uFFFD"], args: { "\uFFFD": "ok \ud83d\ude00" } });
    expect(auditBatchJson([makeEvent(2)])).toBe(JSON.stringify([toAuditRow(makeEvent(2))]));
  });
});
