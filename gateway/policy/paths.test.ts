import { describe, expect, it } from "vitest";
import { checkConditionPath, splitPath } from "./paths";

describe("splitPath", () => {
  it.each([
    ["args", ["args"]],
    ["args.amount", ["args", "amount"]],
    ["args.items[0].sku", ["args", "items", 0, "sku"]],
    ["args.matrix[1][2]", ["args", "matrix", 1, 2]],
    ["grant.metadata.team-name", ["grant", "metadata", "team-name"]],
  ])("splits %s", (path, segments) => {
    expect(splitPath(path)).toEqual(segments);
  });

  it.each(["", ".args", "args.", "args..a", "args[x]", "args[0", "args a", "[0]"])("rejects %j", (path) => {
    expect(splitPath(path)).toBeNull();
  });
});

describe("checkConditionPath", () => {
  it.each([
    "args",
    "args.a.b[3]",
    "grant.id",
    "grant.label",
    "grant.metadata",
    "grant.metadata.team",
    "session.id",
    "session.call_count",
    "session.tool_call_count",
    "session.category_call_count",
    "session.category_counts.Financial",
    "tool.name",
    "tool.category",
    "tool.level",
    "server.id",
    "org.id",
  ])("accepts %s", (path) => {
    expect(checkConditionPath(path)).toBeNull();
  });

  it.each([
    ["input.a", "unknown path `input.a`: it must start with `args`, `grant`, `session`, `tool`, `server` or `org`"],
    ["grant", "unknown path `grant`: expected `grant.id`, `grant.label`, `grant.metadata.*`"],
    ["grant.label.x", "unknown path `grant.label.x`: expected `grant.id`, `grant.label`, `grant.metadata.*`"],
    ["session.calls", "unknown path `session.calls`"],
    ["session.category_counts.read", "unknown category `read` in `session.category_counts.read`"],
    ["tool.risk", "unknown path `tool.risk`: expected `tool.name`, `tool.category`, `tool.level`"],
    ["org.name", "unknown path `org.name`: expected `org.id`"],
    ["args..x", "invalid path `args..x`: expected dot-separated names with optional `[n]` indexes"],
  ])("rejects %s", (path, message) => {
    expect(checkConditionPath(path)).toContain(message);
  });
});
