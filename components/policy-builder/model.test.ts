import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validatePolicy, type PolicyDocument } from "@/gateway/policy";
import {
  LANES,
  errorOwners,
  fromDocument,
  laneView,
  moveTools,
  replaceAt,
  resetTool,
  categoryRuleForLane,
  setCategoryRule,
  setDefault,
  targetOfPointer,
  toDocument,
  type InventoryEntry,
  type Lane,
} from "./model";

const INVENTORY: InventoryEntry[] = [
  { name: "echo", risk: { category: "Read", level: "low" } },
  { name: "get-env", risk: { category: "Read", level: "medium" } },
  { name: "get-sum", risk: { category: "Read", level: "low" } },
  { name: "s3_get", risk: { category: "Read", level: "low" } },
  { name: "s3_delete_bucket", risk: { category: "Destructive", level: "critical" } },
  { name: "debug_dump", risk: { category: "Read", level: "medium" } },
  { name: "charge", risk: { category: "Financial", level: "high" } },
  { name: "wipe", risk: { category: "Destructive", level: "critical" } },
];

const roundTrip = (doc: PolicyDocument) => JSON.stringify(toDocument(fromDocument(doc)));

/** Documents the builder meets: the replaced product's own, the docs' example, and awkward ones. */
const TABLE: [string, PolicyDocument][] = [
  [
    "the replaced product's document",
    { version: "1", default: "deny", tools: { start_dicom_import_job: { limits: [{ counter: "start_dicom_import_job_rate", window: "minute", max: 10, scope: "grant" }] } } },
  ],
  ["only version and default", { version: "1", default: "allow" }],
  ["an empty tools object", { version: "1", default: "deny", tools: {} }],
  ["fields in an unusual order", { tools: { echo: {} }, hide: ["get-env"], default: "deny", version: "1", description: "d" } as PolicyDocument],
  ["hide as the string *", { version: "1", default: "deny", hide: "*", tools: { echo: {} } }],
  ["an empty hide list", { version: "1", default: "deny", hide: [] }],
  [
    "the complete example of the docs",
    {
      version: "1",
      default: "deny",
      description: "payments agent",
      hide: ["debug_*", "internal_reindex"],
      all_tools: { limits: [{ counter: "all_calls", window: "minute", max: 120, scope: "grant" }], max_per_session: 500 },
      tools: {
        "get_*": {},
        create_charge: {
          require: [{ path: "args.currency", op: "in", value: ["usd", "eur"] }],
          deny_if: [{ path: "args.amount_cents", op: "gt", value: 1000000 }],
          on_deny: "charges above 10,000 need the finance team",
          args_schema: { type: "object", properties: { amount_cents: { type: "integer", minimum: 1 } } },
          limits: [
            { counter: "charges", window: "minute", max: 5, scope: "grant" },
            { counter: "daily_spend", window: "day", max: 5000000, scope: "org", increment_from: "args.amount_cents" },
          ],
        },
        "refund_*": { action: "require_approval", approval: { timeout_seconds: 1800 } },
        "delete_*": { action: "deny", on_deny: "deleting is done by people, not agents" },
      },
      categories: { Read: { action: "allow" }, Destructive: { max_per_session: 3 } },
    },
  ],
  [
    "a multiplexed tool with operation rules",
    {
      version: "1",
      default: "deny",
      tools: {
        manage_aws_glue_jobs: {
          action: "deny",
          on_deny: "this operation has not been reviewed",
          operations: {
            "get-*": {},
            "start-job-run": { limits: [{ counter: "glue_runs", window: "hour", max: 20, scope: "grant" }] },
            "delete-*": { action: "require_approval" },
          },
        },
        run_command: { operation_argument: "command", operations: { status: {}, "re*": { action: "deny", deny_if: [{ path: "args.force", op: "eq", value: true }] } } },
      },
    },
  ],
  ["a $schema and an approval mode", { $schema: "https://example.com/s.json", version: "1", default: "deny", tools: { wipe: { action: "require_approval", approval: { mode: "hold" } } } }],
];

describe("fromDocument / toDocument", () => {
  it.each(TABLE)("round-trips %s exactly, key order included", (_, doc) => {
    expect(validatePolicy(doc).ok).toBe(true);
    expect(roundTrip(doc)).toBe(JSON.stringify(doc));
  });

  it("round-trips generated documents exactly", () => {
    fc.assert(
      fc.property(documents, (doc) => {
        expect(validatePolicy(doc)).toMatchObject({ ok: true });
        expect(roundTrip(doc)).toBe(JSON.stringify(doc));
      }),
      { numRuns: 400 },
    );
  });
});

describe("laneView", () => {
  const doc: PolicyDocument = {
    version: "1",
    default: "deny",
    hide: ["debug_*", "get-env"],
    tools: {
      echo: {},
      "get-sum": { limits: [{ counter: "s", window: "minute", max: 3, scope: "grant" }] },
      charge: { action: "require_approval" },
      wipe: { action: "deny", deny_if: [{ path: "args.x", op: "exists" }] },
      "s3_*": {},
      "s3_delete_*": { action: "deny" },
      gone: {},
    },
    categories: { Financial: { action: "deny" } },
    all_tools: { max_per_session: 10 },
  };
  const view = laneView(fromDocument(doc), INVENTORY);
  const lane = (name: string) => view.cards.get(name)?.lane;

  it("puts each tool in the lane its own rule, hide entry, pattern or the default says", () => {
    expect(lane("echo")).toBe("allow");
    expect(lane("get-sum")).toBe("rate_limit");
    expect(lane("charge")).toBe("require_approval");
    expect(lane("wipe")).toBe("deny");
    expect(lane("get-env")).toBe("hide");
    expect(view.cards.get("debug_dump")).toMatchObject({ lane: "hide", source: "pattern", via: "debug_*" });
    // The most specific pattern decides, as in the engine.
    expect(view.cards.get("s3_delete_bucket")).toMatchObject({ lane: "deny", source: "pattern", via: "s3_delete_*" });
    expect(view.cards.get("s3_get")).toMatchObject({ lane: "allow", source: "pattern", via: "s3_*" });
    expect(view.cards.get("gone")).toMatchObject({ lane: "allow", orphan: true });
  });

  it("shows patterns, hide patterns, categories and all_tools as custom cards", () => {
    expect(view.custom.map((c) => [c.kind, c.pointer, c.lane])).toEqual([
      ["pattern", "/tools/s3_*", "allow"],
      ["pattern", "/tools/s3_delete_*", "deny"],
      ["hide_pattern", "/hide/0", "hide"],
      ["category", "/categories/Financial", "deny"],
      ["all_tools", "/all_tools", undefined],
    ]);
  });

  it("places unlisted tools by a category with an action, else by the default", () => {
    const v = laneView(fromDocument({ version: "1", default: "allow", categories: { Read: { action: "require_approval" }, Destructive: { max_per_session: 1 } } }), INVENTORY);
    expect(v.cards.get("echo")).toMatchObject({ lane: "require_approval", source: "category", via: "Read" });
    expect(v.cards.get("wipe")).toMatchObject({ lane: "allow", source: "default" });
  });
});

describe("moveTools", () => {
  const base: PolicyDocument = { version: "1", default: "deny", tools: { echo: { deny_if: [{ path: "args.message", op: "contains", value: "secret" }], on_deny: "no" } } };

  it("drops into Rate limit with 10 calls a minute per grant and keeps conditions", () => {
    const doc = toDocument(moveTools(fromDocument(base), ["echo"], "rate_limit"));
    expect(doc.tools!.echo).toEqual({ ...base.tools!.echo, limits: [{ counter: "echo_rate", window: "minute", max: 10, scope: "grant" }] });
  });

  it("drops into Require approval with the approval options, into Deny with action deny", () => {
    const m = moveTools(fromDocument(base), ["echo", "get-env"], "require_approval");
    expect(toDocument(m).tools!["get-env"]).toEqual({ action: "require_approval", approval: { timeout_seconds: 3600, mode: "retry" } });
    expect(toDocument(moveTools(m, ["get-env"], "deny")).tools!["get-env"]).toEqual({ action: "deny" });
  });

  it("hides and un-hides with a hide entry, the rule kept", () => {
    const hidden = moveTools(fromDocument(base), ["echo"], "hide");
    expect(toDocument(hidden)).toEqual({ ...base, hide: ["echo"] });
    expect(Object.keys(toDocument(hidden))).toEqual(["version", "default", "hide", "tools"]);
    // Hidden and shown again: the document it was, without an empty hide list it never had.
    expect(JSON.stringify(toDocument(moveTools(hidden, ["echo"], "allow")))).toBe(JSON.stringify(base));
  });

  it("gives a new counter a name nobody uses", () => {
    const doc: PolicyDocument = { version: "1", default: "deny", all_tools: { limits: [{ counter: "echo_rate", window: "hour", max: 1 }] } };
    expect(toDocument(moveTools(fromDocument(doc), ["echo"], "rate_limit")).tools!.echo.limits![0].counter).toBe("echo_rate_2");
  });

  it("moves a tool anywhere and back: it lands there, the document stays valid, other tools stay put", () => {
    fc.assert(
      fc.property(documents, fc.constantFrom(...INVENTORY.map((t) => t.name)), fc.constantFrom(...LANES), (doc, tool, lane) => {
        const model = fromDocument(doc);
        const before = laneView(model, INVENTORY);
        const next = moveTools(model, [tool], lane, before);
        const after = laneView(next, INVENTORY);
        expect(validatePolicy(toDocument(next))).toMatchObject({ ok: true });
        const card = before.cards.get(tool)!;
        const stuckHidden = (card.lane === "hide" && card.source === "pattern") || (doc.hide === "*" && lane !== "hide");
        if (!stuckHidden && !(lane === "hide" && doc.hide === "*")) expect(after.cards.get(tool)!.lane).toBe(lane);
        for (const other of INVENTORY) if (other.name !== tool) expect(after.cards.get(other.name)!.lane).toBe(before.cards.get(other.name)!.lane);
        // Moving into the lane it is already drawn in by its own rule changes nothing.
        if (card.lane === lane && card.source === "rule") expect(JSON.stringify(toDocument(next))).toBe(JSON.stringify(doc));
      }),
      { numRuns: 400 },
    );
  });

  it("resets a tool to the default and switches the default", () => {
    const m = setDefault(resetTool(fromDocument({ ...base, hide: ["echo"] }), "echo"), "allow");
    expect(toDocument(m)).toEqual({ version: "1", default: "allow", hide: [], tools: {} });
  });
});

describe("pointers", () => {
  const model = fromDocument({ version: "1", default: "deny", hide: ["x", "debug_*"], tools: { "a/b": {}, "s3_*": {} } });

  it("finds the card or custom card a decision's rule points at", () => {
    expect(targetOfPointer(model, "/tools/a~1b/limits/0")).toEqual({ kind: "card", tool: "a/b" });
    expect(targetOfPointer(model, "/tools/s3_*")).toEqual({ kind: "custom", pointer: "/tools/s3_*" });
    // A decision inside a multiplexed tool's operation points at that operation's card.
    expect(targetOfPointer(model, "/tools/glue/operations/delete-*/action")).toEqual({ kind: "card", tool: "glue", operation: "delete-*" });
    expect(targetOfPointer(model, "/tools/glue/operation_argument")).toEqual({ kind: "card", tool: "glue" });
    expect(targetOfPointer(model, "/hide/0")).toEqual({ kind: "card", tool: "x" });
    expect(targetOfPointer(model, "/hide/1")).toEqual({ kind: "custom", pointer: "/hide/1" });
    expect(targetOfPointer(model, "/default")).toEqual({ kind: "default" });
    expect(targetOfPointer(model, "/categories/Read/action")).toEqual({ kind: "custom", pointer: "/categories/Read" });
    expect(targetOfPointer(model, null)).toBeNull();
  });

  it("groups validation errors by the card they belong to", () => {
    const owners = errorOwners(model, ["/tools/a~1b/limits/0/max", "/tools/s3_*/action", "/default"]);
    expect([...owners.tools]).toEqual([["a/b", ["/tools/a~1b/limits/0/max"]]]);
    expect([...owners.custom]).toEqual([["/tools/s3_*", ["/tools/s3_*/action"]]]);
    expect(owners.other).toEqual(["/default"]);
  });

  it("replaces or removes the value at a pointer", () => {
    const doc = toDocument(model);
    expect(replaceAt(doc, "/tools/s3_*", { action: "deny" }).tools!["s3_*"]).toEqual({ action: "deny" });
    expect(replaceAt(doc, "/hide/1", undefined).hide).toEqual(["x"]);
    expect(doc.hide).toEqual(["x", "debug_*"]);
  });
});

// Generated valid documents over the inventory's names, a few patterns, and every kind of rule.
const condition = fc.record({ path: fc.constantFrom("args.a", "args.message", "grant.label"), op: fc.constantFrom("eq" as const, "neq" as const), value: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })) });
let counterSeq = 0;
const limit = fc
  .record({ window: fc.constantFrom("second" as const, "minute" as const, "day" as const), max: fc.nat(100), scope: fc.option(fc.constantFrom("grant" as const, "org" as const), { nil: undefined }) })
  .map((l) => {
    const out: Record<string, unknown> = { counter: `c${counterSeq++}`, window: l.window, max: l.max };
    if (l.scope) out.scope = l.scope;
    return out;
  });
const rule = fc
  .record(
    {
      action: fc.constantFrom("allow" as const, "deny" as const, "require_approval" as const),
      require: fc.array(condition, { maxLength: 2 }),
      deny_if: fc.array(condition, { maxLength: 2 }),
      limits: fc.array(limit, { maxLength: 2 }),
      on_deny: fc.string({ minLength: 1, maxLength: 8 }),
      validate_input: fc.boolean(),
      max_per_session: fc.nat(5),
    },
    { requiredKeys: [] },
  )
  .map((r) => {
    if (r.action === "require_approval" && r.limits === undefined) return { ...r, approval: { timeout_seconds: 60 } };
    return r;
  });
// Tool rules may give operations of a multiplexed tool rules of their own (names and patterns).
const toolRule = fc
  .tuple(rule, fc.option(fc.dictionary(fc.constantFrom("get-job", "delete-*", "get-*", "start-job-run", "*-run"), rule, { minKeys: 1, maxKeys: 3 }), { nil: undefined }), fc.boolean())
  .map(([r, operations, argument]) => (operations ? { ...r, ...(argument ? { operation_argument: "command" } : {}), operations } : r));
const toolKey = fc.constantFrom(...INVENTORY.map((t) => t.name), "s3_*", "get-*", "*_dump", "orphan_tool");
const shuffled = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
const documents: fc.Arbitrary<PolicyDocument> = fc
  .record(
    {
      default: fc.constantFrom("allow" as const, "deny" as const),
      description: fc.string({ maxLength: 10 }),
      hide: fc.oneof(fc.constant("*" as const), fc.uniqueArray(fc.constantFrom("echo", "debug_*", "get-env", "wipe", "s3_*"), { maxLength: 3 })),
      tools: fc.dictionary(toolKey, toolRule, { maxKeys: 6 }),
      categories: fc.record({ Read: rule, Destructive: rule }, { requiredKeys: [] }),
      all_tools: fc.record({ limits: fc.array(limit, { maxLength: 2 }), max_per_session: fc.nat(9) }, { requiredKeys: [] }),
    },
    { requiredKeys: ["default"] },
  )
  .chain((d) => shuffled(Object.keys({ version: 1, ...d })).map((order) => Object.fromEntries(order.map((k) => [k, k === "version" ? "1" : (d as Record<string, unknown>)[k]])) as PolicyDocument));

describe("category rules", () => {
  it("are set, replaced and removed in place; a document without categories gets them last", () => {
    const doc: PolicyDocument = { version: "1", default: "deny", tools: { echo: {} } };
    let m = setCategoryRule(fromDocument(doc), "Destructive", categoryRuleForLane(undefined, "require_approval", "Destructive"));
    expect(toDocument(m)).toEqual({ ...doc, categories: { Destructive: { action: "require_approval", approval: { timeout_seconds: 3600, mode: "retry" } } } });
    expect(Object.keys(toDocument(m))).toEqual(["version", "default", "tools", "categories"]);
    m = setCategoryRule(m, "Read", categoryRuleForLane(undefined, "allow", "Read"));
    m = setCategoryRule(m, "Destructive", categoryRuleForLane(m.head.categories!.Destructive, "rate_limit", "Destructive"));
    expect(toDocument(m).categories).toEqual({ Destructive: { action: "allow", limits: [{ counter: "destructive_tools_rate", window: "minute", max: 10, scope: "grant" }] }, Read: { action: "allow" } });
    expect(validatePolicy(toDocument(m)).ok).toBe(true);
    // The lanes follow: a Destructive tool without a rule of its own is rate-limited by its category.
    expect(laneView(m, INVENTORY).cards.get("wipe")).toMatchObject({ lane: "rate_limit", source: "category", via: "Destructive" });
    expect(toDocument(setCategoryRule(setCategoryRule(m, "Read", null), "Destructive", null))).toEqual(doc);
  });

  it("adds to categories where the document has them, and drops them with the last rule", () => {
    const doc = { version: "1", categories: {}, default: "deny" } as PolicyDocument;
    const m = setCategoryRule(fromDocument(doc), "Write", { max_per_session: 2 });
    expect(Object.keys(toDocument(m))).toEqual(["version", "categories", "default"]);
    expect(toDocument(setCategoryRule(m, "Write", null))).toEqual({ version: "1", default: "deny" });
  });
});
