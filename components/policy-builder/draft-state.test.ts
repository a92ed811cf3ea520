import { describe, expect, it } from "vitest";
import { draftReducer, initialDraft, prettyPolicy } from "./draft-state";
import { moveTools } from "./model";

const START = prettyPolicy({ version: "1", default: "deny", tools: { echo: {} } });

describe("draftReducer", () => {
  it("keeps the last valid document while the text is broken, with the error on its line", () => {
    let s = initialDraft(START);
    s = draftReducer(s, { type: "type", text: START.replace('"deny"', '"deny",\n  "x": ['), at: 1000 });
    expect(s.doc).toEqual({ version: "1", default: "deny", tools: { echo: {} } });
    expect(s.errors[0]).toMatchObject({ line: 4 });
    expect(s.errors[0].message).toContain("invalid json");
    s = draftReducer(s, { type: "type", text: START.replace('"deny"', '"allow"'), at: 5000 });
    expect(s.errors).toEqual([]);
    expect(s.doc.default).toBe("allow");
  });

  it("locates validation errors by pointer and line", () => {
    const s = draftReducer(initialDraft(START), { type: "type", text: START.replace('"echo": {}', '"echo": { "acton": "deny" }'), at: 1 });
    expect(s.errors).toEqual([expect.objectContaining({ path: "/tools/echo/acton", line: 5 })]);
    expect(s.doc.tools).toEqual({ echo: {} });
  });

  it("undoes and redoes lane moves and typing on one history; close keystrokes are one step", () => {
    let s = initialDraft(START);
    s = draftReducer(s, { type: "model", edit: (m) => moveTools(m, ["echo"], "deny") });
    expect(s.doc.tools!.echo).toEqual({ action: "deny" });
    const afterMove = s.text;
    s = draftReducer(s, { type: "type", text: afterMove + " ", at: 10_000 });
    s = draftReducer(s, { type: "type", text: afterMove + "  ", at: 10_100 });
    expect(s.past).toHaveLength(2);
    s = draftReducer(s, { type: "undo" });
    expect(s.text).toBe(afterMove);
    s = draftReducer(s, { type: "undo" });
    expect(s.text).toBe(START);
    expect(s.doc.tools!.echo).toEqual({});
    s = draftReducer(s, { type: "redo" });
    expect(s.doc.tools!.echo).toEqual({ action: "deny" });
    expect(draftReducer(s, { type: "undo" }).future).toHaveLength(2);
  });
});

describe("draftReducer with the server's tools", () => {
  const tools = new Map([["manage_jobs", { inputSchema: { type: "object", properties: { operation: { type: "string", enum: ["get-job", "delete-job"] } } } }]]);
  const doc = (op: string) => prettyPolicy({ version: "1", default: "deny", tools: { manage_jobs: { operations: { [op]: { action: "require_approval" } } } } });

  it("checks operation names against the tool's enum once the inventory is known, as publishing does", () => {
    const typo = draftReducer(initialDraft(doc("delete-jbo")), { type: "tools", tools });
    expect(typo.errors).toEqual([expect.objectContaining({ path: "/tools/manage_jobs/operations/delete-jbo", message: expect.stringContaining("delete-job") })]);
    const fixed = draftReducer(typo, { type: "type", text: doc("delete-job"), at: 1 });
    expect(fixed.errors).toEqual([]);
    expect(fixed.doc.tools?.manage_jobs).toBeDefined();
  });

  it("without the inventory, the same text is not refused for its operation names", () => {
    expect(initialDraft(doc("delete-jbo")).errors).toEqual([]);
  });

  it("keeps the tools across a load", () => {
    const withTools = draftReducer(initialDraft(doc("get-job")), { type: "tools", tools });
    expect(draftReducer(withTools, { type: "load", text: doc("nope") }).errors).toHaveLength(1);
  });
});
