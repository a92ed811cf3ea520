import { describe, expect, it } from "vitest";
import { validatePolicy, type ToolInfo } from "../../gateway/policy";
import { Replay, type ReplayEvent, type ReplayGrant, type ReplaySetup } from "./replay";

// Recorded times are in 2021: a replay driven by the wall clock would see every window long gone.
const T0 = Date.parse("2021-03-04T10:00:00.000Z");
const ALICE: ReplayGrant = { id: "gnt_alice", label: "alice", metadata: { team: "sre" }, governed: true };
const BOB: ReplayGrant = { id: "gnt_bob", label: "bob", metadata: {}, governed: true };
const OWN: ReplayGrant = { id: "gnt_own", label: "own policy", metadata: {}, governed: false };
const TOOLS = new Map<string, ToolInfo>([
  ["echo", { category: "Read", level: "low" }],
  ["delete_file", { category: "Destructive", level: "critical" }],
  ["create_charge", { category: "Financial", level: "critical" }],
]);

let seq = 0;
function ev(over: Partial<ReplayEvent> & { at?: number }): ReplayEvent {
  const { at = 0, ...rest } = over;
  return {
    id: `evt_${++seq}`,
    time: new Date(T0 + at),
    tool: "echo",
    grantId: ALICE.id,
    sessionId: "sess_1",
    decision: "allow",
    rulePointer: "/tools/echo",
    message: null,
    policyVersion: 1,
    args: {},
    argKeys: [],
    ...rest,
  };
}

async function replay(draft: unknown, events: ReplayEvent[], over: Partial<ReplaySetup> = {}) {
  const checked = validatePolicy(draft);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const r = new Replay({
    draft: checked.policy,
    orgId: "org_1",
    serverId: "srv_1",
    tools: TOOLS,
    grants: new Map([ALICE, BOB, OWN].map((g) => [g.id, g])),
    countFrom: new Date(T0),
    publishedVersion: 1,
    ...over,
  });
  for (const e of events) await r.add(e);
  return r.result();
}

const doc = (rest: Record<string, unknown>) => ({ version: "1", default: "deny", ...rest });

describe("replay: one change of each kind", () => {
  const cases: { name: string; draft: unknown; event: Partial<ReplayEvent>; change: string | null; after: string; rule: string | null }[] = [
    { name: "newly denied by the default deny", draft: doc({ tools: { other: {} } }), event: {}, change: "newly_denied", after: "deny", rule: "/default" },
    { name: "newly denied by a category rule (risk from the inventory)", draft: doc({ tools: { delete_file: {} }, categories: { Destructive: { action: "deny" } } }), event: { tool: "delete_file", rulePointer: "/tools/delete_file" }, change: "newly_denied", after: "deny", rule: "/categories/Destructive/action" },
    { name: "newly allowed", draft: doc({ tools: { echo: {} } }), event: { decision: "deny", rulePointer: "/default", message: "no rule" }, change: "newly_allowed", after: "allow", rule: "/tools/echo" },
    { name: "newly allowed, from nothing published", draft: doc({ tools: { echo: {} } }), event: { decision: "deny", rulePointer: null, policyVersion: null, message: "no policy is published for this server" }, change: "newly_allowed", after: "allow", rule: "/tools/echo" },
    { name: "newly requiring approval", draft: doc({ tools: { echo: { action: "require_approval" } } }), event: {}, change: "newly_requiring_approval", after: "require_approval", rule: "/tools/echo/action" },
    { name: "newly hidden", draft: doc({ hide: ["ec*"], tools: { echo: {} } }), event: {}, change: "newly_hidden", after: "hide", rule: "/hide/0" },
    { name: "unchanged", draft: doc({ tools: { echo: {} } }), event: {}, change: null, after: "allow", rule: "/tools/echo" },
    { name: "a grant-label condition reads the grant", draft: doc({ tools: { echo: { deny_if: [{ path: "grant.metadata.team", op: "eq", value: "sre" }] } } }), event: {}, change: "newly_denied", after: "deny", rule: "/tools/echo/deny_if/0" },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await replay(c.draft, [ev(c.event)]);
      expect(r.totals.calls).toBe(1);
      expect(r.totals.changed).toBe(c.change ? 1 : 0);
      expect(r.totals.unchanged).toBe(c.change ? 0 : 1);
      if (c.change) {
        expect(r.samples).toHaveLength(1);
        expect(r.samples[0]).toMatchObject({ change: c.change, after: { effect: c.after, rule: c.rule }, argsNotRecorded: false });
      } else expect(r.samples).toEqual([]);
    });
  }
});

describe("replay: rate limits in recorded time", () => {
  const limited = doc({ tools: { echo: { limits: [{ counter: "echo_rate", window: "minute", max: 3, scope: "grant" }] } } });

  it("the 4th call in a minute is rate limited with max 3; the next minute starts again", async () => {
    const events = [0, 5_000, 10_000, 15_000, 20_000, 61_000].map((at) => ev({ at }));
    const r = await replay(limited, events);
    expect(r.totals).toMatchObject({ calls: 6, unchanged: 4, newlyRateLimited: 2 });
    const limitedTimes = r.samples.map((s) => s.time).sort();
    expect(limitedTimes).toEqual([new Date(T0 + 15_000).toISOString(), new Date(T0 + 20_000).toISOString()]);
    expect(r.samples[0].after).toMatchObject({ effect: "rate_limited", rule: "/tools/echo/limits/0" });
    expect(r.samples[0].after.message).toMatch(/at most 3 calls per minute per grant, resets in 4\d seconds/);
  });

  it("counts per grant: another grant has its own counter", async () => {
    const events = [0, 1, 2, 3].map((at) => ev({ at })).concat([ev({ at: 4, grantId: BOB.id })]);
    const r = await replay(limited, events);
    expect(r.totals.newlyRateLimited).toBe(1);
    expect(r.byGrant.find((g) => g.grantId === BOB.id)).toMatchObject({ label: "bob", calls: 1, unchanged: 1 });
    expect(r.byGrant.find((g) => g.grantId === ALICE.id)).toMatchObject({ label: "alice", calls: 4, newlyRateLimited: 1 });
  });

  it("a call that was already rate limited and still is: unchanged", async () => {
    const events = [0, 1, 2].map((at) => ev({ at })).concat([ev({ at: 3, decision: "rate_limited", rulePointer: "/tools/echo/limits/0" })]);
    const r = await replay(limited, events);
    expect(r.totals).toMatchObject({ calls: 4, unchanged: 4, changed: 0 });
  });

  it("denied calls use no quota; a call whose upstream failed gives its quota back", async () => {
    const events = [
      ev({ at: 0, message: "upstream error: -32000 boom" }),
      ev({ at: 1, tool: "delete_file", decision: "deny", rulePointer: "/tools/delete_file/action" }),
      ev({ at: 2 }),
      ev({ at: 3 }),
      ev({ at: 4 }),
      ev({ at: 5 }),
    ];
    const r = await replay(doc({ tools: { echo: {}, delete_file: { action: "deny" } }, all_tools: { limits: [{ counter: "all", window: "minute", max: 3 }] } }), events);
    // 1 failed upstream (given back) + 3 more fit; the 6th call is the 4th that counted.
    expect(r.totals).toMatchObject({ calls: 6, newlyRateLimited: 1 });
    expect(r.samples[0].time).toBe(new Date(T0 + 5).toISOString());
  });

  it("events before the period warm counters up but are not reported", async () => {
    const events = [0, 10_000, 20_000, 30_000].map((at) => ev({ at }));
    const r = await replay(limited, events, { countFrom: new Date(T0 + 30_000) });
    expect(r.warmupEvents).toBe(3);
    expect(r.totals).toMatchObject({ calls: 1, newlyRateLimited: 1 });
  });

  it("a grant filter reports that grant only, while shared counters still count everyone", async () => {
    const shared = doc({ tools: { echo: { limits: [{ counter: "srv", window: "minute", max: 2, scope: "server" }] } } });
    const events = [ev({ at: 0, grantId: BOB.id }), ev({ at: 1, grantId: BOB.id }), ev({ at: 2 })];
    const r = await replay(shared, events, { grantId: ALICE.id });
    expect(r.totals).toMatchObject({ calls: 1, newlyRateLimited: 1 });
    expect(r.byGrant.map((g) => g.grantId)).toEqual([ALICE.id]);
  });

  it("a session-scoped limit without a session denies, as the gateway does", async () => {
    const r = await replay(doc({ tools: { echo: { limits: [{ counter: "s", window: "minute", max: 5, scope: "session" }] } } }), [ev({ sessionId: null })]);
    expect(r.samples[0]).toMatchObject({ change: "newly_denied", after: { effect: "deny", rule: null } });
  });

  it("max_per_session counts the calls the draft admits, per session", async () => {
    const draft = doc({ tools: { echo: {} }, all_tools: { max_per_session: 2 } });
    const r = await replay(draft, [ev({ at: 0 }), ev({ at: 1 }), ev({ at: 2 }), ev({ at: 3, sessionId: "sess_2" })]);
    expect(r.totals).toMatchObject({ calls: 4, newlyDenied: 1 });
    expect(r.samples[0].after.rule).toBe("/all_tools/max_per_session");
  });

  it("refuses events out of time order", async () => {
    await expect(replay(doc({}), [ev({ at: 10 }), ev({ at: 0 })])).rejects.toThrow(/out of order/);
  });
});

describe("replay: arguments not recorded", () => {
  const guarded = doc({ tools: { delete_file: { deny_if: [{ path: "args.path", op: "regex", value: "^/etc" }] }, echo: {} } });

  it("recorded arguments decide exactly", async () => {
    const r = await replay(guarded, [
      ev({ tool: "delete_file", args: { path: "/etc/passwd" } }),
      ev({ at: 1, tool: "delete_file", args: { path: "/tmp/x" } }),
    ]);
    expect(r.totals).toMatchObject({ calls: 2, newlyDenied: 1, unchanged: 1, undetermined: 0 });
    expect(r.argsNotRecorded).toBe(0);
  });

  it("an outcome that depends on them is undetermined, never guessed", async () => {
    const r = await replay(guarded, [ev({ tool: "delete_file", args: null, argKeys: ["path"] })]);
    expect(r.totals).toMatchObject({ calls: 1, undetermined: 1, changed: 0, unchanged: 0 });
    expect(r.argsNotRecorded).toBe(1);
    expect(r.samples[0]).toMatchObject({ change: "undetermined", argsNotRecorded: true, after: { effect: "allow" }, otherwise: { effect: "deny" } });
  });

  it("an outcome that does not depend on them is decided and only counted as not recorded", async () => {
    const r = await replay(guarded, [ev({ tool: "echo", args: null }), ev({ at: 1, tool: "other", args: null })]);
    expect(r.totals).toMatchObject({ calls: 2, unchanged: 1, newlyDenied: 1, undetermined: 0 });
    expect(r.argsNotRecorded).toBe(2);
    expect(r.samples[0]).toMatchObject({ tool: "other", change: "newly_denied", argsNotRecorded: true });
  });

  it("an action that denies whatever the arguments is decided", async () => {
    const draft = doc({ tools: { delete_file: { action: "deny", deny_if: [{ path: "args.path", op: "exists" }] } } });
    const r = await replay(draft, [ev({ tool: "delete_file", args: null })]);
    expect(r.totals).toMatchObject({ newlyDenied: 1, undetermined: 0 });
  });

  it("args_schema and spend caps need the values too", async () => {
    const draft = doc({
      tools: {
        echo: { args_schema: { type: "object", required: ["message"] } },
        create_charge: { limits: [{ counter: "spend", window: "day", max: 1000, scope: "org", increment_from: "args.amount" }] },
      },
    });
    const r = await replay(draft, [ev({ args: null }), ev({ at: 1, tool: "create_charge", args: null }), ev({ at: 2, tool: "create_charge", args: { amount: 5000 } })]);
    expect(r.totals).toMatchObject({ calls: 3, undetermined: 2, newlyRateLimited: 1 });
    expect(r.samples.find((s) => s.tool === "create_charge" && s.change === "undetermined")?.otherwise).toMatchObject({ effect: "deny", rule: "/tools/create_charge" });
  });
});

describe("replay: approvals", () => {
  const approval = doc({ tools: { echo: { action: "require_approval", limits: [{ counter: "e", window: "minute", max: 2 }] } } });

  it("a call a human approved or denied then, still behind an approval: unchanged", async () => {
    const r = await replay(approval, [
      ev({ approvalId: "apr_1", message: "approved by a human (approval apr_1)" }),
      ev({ at: 1, decision: "deny", rulePointer: "/tools/echo/action", approvalId: "apr_2", message: "a human denied this call (approval apr_2)" }),
      ev({ at: 2, decision: "allow" }),
    ]);
    expect(r.totals).toMatchObject({ calls: 3, unchanged: 2, newlyRequiringApproval: 1 });
  });

  it("limits are reserved behind an approval and kept only when it was used", async () => {
    const r = await replay(approval, [
      ev({ at: 0, decision: "require_approval", rulePointer: "/tools/echo/action", approvalId: "apr_p" }),
      ev({ at: 1, decision: "require_approval", rulePointer: "/tools/echo/action", approvalId: "apr_p" }),
      ev({ at: 2, approvalId: "apr_1" }),
      ev({ at: 3, approvalId: "apr_2" }),
      ev({ at: 4, approvalId: "apr_3" }),
    ]);
    // Pending requests give their units back; the two approved calls use the limit of 2; the third is over it.
    expect(r.totals).toMatchObject({ calls: 5, unchanged: 4, newlyRateLimited: 1 });
    expect(r.samples[0]).toMatchObject({ change: "newly_rate_limited", after: { rule: "/tools/echo/limits/0" } });
  });

  it("a draft that allows what a human denied: newly allowed", async () => {
    const r = await replay(doc({ tools: { echo: {} } }), [ev({ decision: "deny", rulePointer: "/tools/echo/action", approvalId: "apr_2" })]);
    expect(r.totals.newlyAllowed).toBe(1);
  });
});

describe("replay: what the draft does not govern", () => {
  it("skips calls of grants with their own policy, and denials made outside the policy", async () => {
    const r = await replay(doc({}), [
      ev({ grantId: OWN.id }),
      ev({ at: 1, decision: "deny", rulePointer: null, message: "this tool is new or changed since it was last reviewed" }),
      ev({ at: 2 }),
    ]);
    expect(r.skipped).toEqual({ ownPolicy: 1, outsidePolicy: 1 });
    expect(r.totals.calls).toBe(1);
  });

  it("counts calls decided by an older version", async () => {
    const r = await replay(doc({ tools: { echo: {} } }), [ev({ policyVersion: 1 }), ev({ at: 1, policyVersion: 2 })], { publishedVersion: 2 });
    expect(r.olderVersion).toBe(1);
  });
});

describe("replay: tables and samples", () => {
  it("per tool rows, most changed first; samples varied and newest first", async () => {
    const events: ReplayEvent[] = [];
    for (let i = 0; i < 10; i++) events.push(ev({ at: i * 10, tool: "delete_file", rulePointer: "/tools/delete_file" }));
    for (let i = 0; i < 3; i++) events.push(ev({ at: 200 + i, tool: "echo" }));
    const r = await replay(doc({ tools: { echo: {} } }), events);
    expect(r.byTool.map((t) => [t.tool, t.calls, t.newlyDenied])).toEqual([
      ["delete_file", 10, 10],
      ["echo", 3, 0],
    ]);
    expect(r.samples).toHaveLength(2); // at most two per (change, tool, grant)
    expect(r.samples[0].time > r.samples[1].time).toBe(true);
  });

  it("caps the rows and says how many were left out", async () => {
    const events = Array.from({ length: 5 }, (_, i) => ev({ at: i, tool: `t${i}` }));
    const r = await replay(doc({}), events, { rowLimit: 2 });
    expect(r.byTool).toHaveLength(2);
    expect(r.otherRows.tools).toBe(3);
    expect(r.totals.calls).toBe(5);
  });

  it("keeps pointers exact when argument checks are stood in for", async () => {
    const draft = doc({ tools: { echo: { deny_if: [{ path: "args.x", op: "exists" }, { path: "grant.label", op: "eq", value: "alice" }] } } });
    const r = await replay(draft, [ev({ args: null })]);
    expect(r.samples[0]).toMatchObject({ change: "newly_denied", after: { rule: "/tools/echo/deny_if/1" } });
  });
});
