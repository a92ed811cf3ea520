import { describe, expect, it } from "vitest";
import { formatEvent } from "./audit";
import { makeEvent } from "../gateway/audit/testing";

describe("toolgate audit tail lines", () => {
  it("show time, decision, the tool (with a multiplexed tool's operation) and the rule", () => {
    const time = "2026-11-24T09:00:00.000Z";
    expect(formatEvent(makeEvent(1, { time, rulePointer: "/tools/echo" }))).toBe(`${time}  allow             echo                      /tools/echo`);
    const glue = makeEvent(2, { time, tool: "manage_aws_glue_jobs", operation: "delete-job", decision: "require_approval", rulePointer: "/tools/manage_aws_glue_jobs/operations/delete-*/action" });
    expect(formatEvent(glue)).toBe(`${time}  require_approval  manage_aws_glue_jobs · delete-job  /tools/manage_aws_glue_jobs/operations/delete-*/action`);
  });
});
