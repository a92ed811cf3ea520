import { describe, expect, it } from "vitest";
import { makeEvent } from "../../gateway/audit/testing";
import { Prisma } from "../generated/prisma/client";
import { toAuditRow } from "./audit-store";

describe("audit event rows", () => {
  it("map the event's fields, time as a Date and no arguments as SQL NULL", () => {
    const row = toAuditRow(makeEvent(1));
    expect(row).toMatchObject({ id: makeEvent(1).id, orgId: "org_test", method: "tools/call", argKeys: ["text"], policyVersion: 1 });
    expect(row.time).toEqual(new Date(makeEvent(1).time));
    expect(row.args).toBe(Prisma.DbNull);
  });

  it("keep argument values as JSON, and never send numbers the columns would refuse", () => {
    const row = toAuditRow({ ...makeEvent(1), args: { q: "x\u0000" }, latencyMs: Number.NaN, upstreamStatus: 2 ** 40, policyVersion: 1.5 });
    expect(row).toMatchObject({ args: { q: "x\uFFFD" }, latencyMs: null, upstreamStatus: null, policyVersion: null });
  });
});
