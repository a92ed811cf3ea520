import { describe, expect, it } from "vitest";
import { RESOLUTION_CACHE_MAX, RESOLUTION_CACHE_NAME_MAX } from "./compile";
import { rateLimitedDecision } from "./decision";
import { evaluate, filterToolList, isHidden } from "./evaluate";
import { compile, CONTEXT, decide, withCategory } from "./testdata/policies";

const call = (tool: string, args: Record<string, unknown> = {}) => ({ tool, args });
const base = { version: "1", default: "deny" } as const;

describe("precedence", () => {
  it("hides before any rule: a hidden tool with an allowing exact rule is hidden", () => {
    const decision = decide({ ...base, hide: ["debug", "internal_*"], tools: { debug: {}, internal_x: {} } }, call("debug"));
    expect(decision).toMatchObject({ effect: "hide", rule: "/hide/0" });
    expect(decide({ ...base, hide: ["debug", "internal_*"], tools: { internal_x: {} } }, call("internal_x")).rule).toBe("/hide/1");
  });

  it('hides everything with "*", as a list entry or alone', () => {
    expect(decide({ ...base, default: "allow", hide: ["a", "*"] }, call("anything")).rule).toBe("/hide/1");
    expect(decide({ ...base, default: "allow", hide: "*" }, call("anything")).rule).toBe("/hide");
  });

  it("prefers the exact name's rule over any pattern", () => {
    const document = { ...base, tools: { "delete_*": { action: "deny" }, delete_draft: {} } };
    expect(decide(document, call("delete_draft"))).toMatchObject({ effect: "allow", rule: "/tools/delete_draft" });
    expect(decide(document, call("delete_user"))).toMatchObject({ effect: "deny", rule: "/tools/delete_*/action" });
  });

  it("applies only the most specific pattern", () => {
    const document = {
      ...base,
      tools: { "s3_*": { limits: [{ counter: "s3", window: "minute", max: 5 }] }, "s3_delete_*": { action: "deny" } },
    };
    expect(decide(document, call("s3_delete_bucket")).rule).toBe("/tools/s3_delete_*/action");
    expect(decide(document, call("s3_get_object"))).toMatchObject({ effect: "allow", rule: "/tools/s3_*" });
  });

  it.each([
    { patterns: ["a*", "*bcdef"], name: "abcdef", winner: "a*", why: "a longer literal prefix" },
    { patterns: ["ab*", "ab*f"], name: "abxf", winner: "ab*f", why: "more literal characters" },
    { patterns: ["a*b*", "a*b"], name: "axb", winner: "a*b", why: "fewer wildcards" },
    { patterns: ["ab?d", "ab*d"], name: "abxd", winner: "ab*d", why: "code-unit order, last" },
  ])("orders patterns by $why", ({ patterns, name, winner }) => {
    for (const order of [patterns, [...patterns].reverse()]) {
      const tools = Object.fromEntries(order.map((pattern) => [pattern, {}]));
      expect(decide({ ...base, tools }, call(name)).rule).toBe(`/tools/${winner}`);
    }
  });

  it("lets a category rule's deny beat a pattern's allow", () => {
    const document = { ...base, tools: { "drop_*": {} }, categories: { Destructive: { action: "deny" } } };
    expect(decide(document, call("drop_table"), withCategory("Destructive"))).toMatchObject({
      effect: "deny",
      rule: "/categories/Destructive/action",
      message: "`Destructive` tools are denied by this policy",
    });
    expect(decide(document, call("drop_table"), withCategory("Write")).effect).toBe("allow");
  });

  it("lets an all_tools condition deny what a tool rule allows", () => {
    const document = { ...base, tools: { x: {} }, all_tools: { deny_if: [{ path: "grant.label", op: "eq", value: "ci-runner" }] } };
    expect(decide(document, call("x"))).toMatchObject({ effect: "deny", rule: "/all_tools/deny_if/0" });
  });

  it("reports the tool rule's deny before the category's and all_tools'", () => {
    const document = {
      ...base,
      tools: { x: { action: "deny" } },
      categories: { Write: { action: "deny" } },
      all_tools: { deny_if: [{ path: "args", op: "exists" }] },
    };
    expect(decide(document, call("x"), withCategory("Write")).rule).toBe("/tools/x/action");
  });

  it("denies an unlisted tool under default deny and allows one listed with {}", () => {
    const document = { ...base, tools: { read_file: {} } };
    expect(decide(document, call("write_file"))).toMatchObject({
      effect: "deny",
      rule: "/default",
      message: "no rule allows this tool, and the policy denies by default",
    });
    expect(decide(document, call("read_file"))).toMatchObject({ effect: "allow", rule: "/tools/read_file" });
  });

  it("allows an unlisted tool under default allow", () => {
    expect(decide({ ...base, default: "allow" }, call("anything"))).toMatchObject({ effect: "allow", rule: "/default" });
  });

  it("does not let a category rule without an action allow anything", () => {
    const document = { ...base, categories: { Destructive: { max_per_session: 3 } } };
    expect(decide(document, call("wipe"), withCategory("Destructive")).rule).toBe("/default");
  });

  it("lets a category rule with action allow open a default deny", () => {
    const document = { ...base, categories: { Read: { action: "allow" } } };
    expect(decide(document, call("get_user"), withCategory("Read"))).toMatchObject({ effect: "allow", rule: "/categories/Read" });
    expect(decide(document, call("get_user")).rule).toBe("/default"); // tool not classified
  });

  it("requires approval when either the tool rule or the category rule does", () => {
    const categoryApproval = { ...base, tools: { wipe: {} }, categories: { Destructive: { action: "require_approval" } } };
    expect(decide(categoryApproval, call("wipe"), withCategory("Destructive"))).toMatchObject({
      effect: "require_approval",
      rule: "/categories/Destructive/action",
      approval: { timeoutSeconds: 1800, mode: "retry" },
    });
    const toolApproval = {
      ...base,
      tools: { wipe: { action: "require_approval", approval: { timeout_seconds: 60, mode: "hold" } } },
      categories: { Destructive: { action: "allow" } },
    };
    expect(decide(toolApproval, call("wipe"), withCategory("Destructive"))).toMatchObject({
      effect: "require_approval",
      rule: "/tools/wipe/action",
      approval: { timeoutSeconds: 60, mode: "hold" },
    });
  });

  it("carries the approvers a rule names: lower case, each once; none by default", () => {
    const document = {
      ...base,
      tools: {
        refund: { action: "require_approval", approval: { approvers: ["Alice@Example.com", "bob@example.com", "alice@example.com"] } },
        wipe: { action: "require_approval" },
      },
    };
    expect(decide(document, call("refund")).approval).toEqual({ timeoutSeconds: 1800, mode: "retry", holdSeconds: 60, approvers: ["alice@example.com", "bob@example.com"] });
    expect(decide(document, call("wipe")).approval?.approvers).toEqual([]);
    const operations = { ...base, tools: { glue: { operations: { "delete-*": { action: "require_approval", approval: { approvers: ["ops@example.com"] } } } } } };
    expect(decide(operations, call("glue", { operation: "delete-job" })).approval?.approvers).toEqual(["ops@example.com"]);
  });

  it("lets a deny beat an approval", () => {
    const document = { ...base, tools: { wipe: { action: "require_approval" } }, categories: { Destructive: { action: "deny" } } };
    expect(decide(document, call("wipe"), withCategory("Destructive")).effect).toBe("deny");
  });

  it("does not depend on the order of keys in the document", () => {
    const tools = { "a*": { action: "deny" }, "ab*": {}, abc: { action: "require_approval" }, "*c": {} };
    const reversed = Object.fromEntries(Object.entries(tools).reverse());
    for (const name of ["abc", "abd", "axc", "zzc", "q"]) {
      expect(decide({ ...base, tools: reversed }, call(name))).toEqual(decide({ ...base, tools }, call(name)));
    }
  });
});

describe("limits", () => {
  const document = {
    ...base,
    all_tools: { limits: [{ counter: "all", window: "minute", max: 100, scope: "grant" }] },
    categories: { Write: { limits: [{ counter: "writes", window: "hour", max: 50, scope: "session" }] } },
    tools: {
      write_file: {
        limits: [
          { counter: "write_file_rate", window: "second", max: 2, scope: "grant" },
          { counter: "all", window: "minute", max: 100, scope: "grant" },
        ],
      },
      pay: { limits: [{ counter: "spend", window: "day", max: 100000, scope: "org", increment_from: "args.cents" }] },
      refuse: { action: "deny", limits: [{ counter: "r", window: "day", max: 1 }] },
    },
  };

  it("returns the tool rule's, the category's and all_tools' limits, each counter once", () => {
    const decision = decide(document, call("write_file"), withCategory("Write"));
    expect(decision.limits).toEqual([
      { counter: "write_file_rate", window: "second", windowMs: 1000, max: 2, scope: "grant", cost: 1, rule: "/tools/write_file/limits/0" },
      { counter: "all", window: "minute", windowMs: 60000, max: 100, scope: "grant", cost: 1, rule: "/tools/write_file/limits/1" },
      { counter: "writes", window: "hour", windowMs: 3600000, max: 50, scope: "session", cost: 1, rule: "/categories/Write/limits/0" },
    ]);
  });

  it("takes a spend cap's cost from the argument, rounded up to a whole unit", () => {
    const policy = compile(document);
    expect(evaluate(policy, call("pay", { cents: 1250 }), CONTEXT).limits[0]).toMatchObject({ counter: "spend", cost: 1250, incrementFrom: "args.cents" });
    expect(evaluate(policy, call("pay", { cents: 12.2 }), CONTEXT).limits[0].cost).toBe(13);
    expect(evaluate(policy, call("pay", { cents: 0 }), CONTEXT).limits[0].cost).toBe(0);
  });

  it.each([{ cents: -5 }, { cents: "1250" }, {}, { cents: 1e300 }, { cents: -0.5 }])("denies a spend cap whose amount is %j", (args) => {
    expect(decide(document, call("pay", args))).toMatchObject({
      effect: "deny",
      rule: "/tools/pay/limits/0/increment_from",
      limits: [],
    });
  });

  it("returns no limits with a deny", () => {
    expect(decide(document, call("refuse")).limits).toEqual([]);
  });

  it("builds the rate-limited decision the limiter's answer calls for", () => {
    const [limit] = decide(document, call("write_file")).limits;
    expect(rateLimitedDecision(limit, 41_200)).toEqual({
      effect: "rate_limited",
      rule: "/tools/write_file/limits/0",
      message: "rate limit `write_file_rate` reached: at most 2 calls per second per grant, resets in 42 seconds",
      reason: "rate limit `write_file_rate` reached: at most 2 calls per second per grant, resets in 42 seconds",
      limits: [],
      retryAfterSeconds: 42,
      limit,
    });
    expect(rateLimitedDecision(limit, 0).retryAfterSeconds).toBe(1);
    const [spend] = decide(document, call("pay", { cents: 5 })).limits;
    expect(rateLimitedDecision(spend, 3_600_000).message).toBe(
      "spend cap `spend` reached: at most 100000 of `args.cents` per day per org, resets in 3600 seconds",
    );
  });
});

describe("session history", () => {
  const document = {
    ...base,
    tools: { deploy: { max_per_session: 2 } },
    categories: { Destructive: { action: "allow", max_per_session: 3 } },
    all_tools: { max_per_session: 10 },
  };
  const session = (counts: Partial<{ call_count: number; tool_counts: Record<string, number>; category_counts: Record<string, number> }>) => ({
    ...CONTEXT,
    session: { id: "ses_1", call_count: 0, tool_counts: {}, category_counts: {}, ...counts },
  });

  it("denies the call after max_per_session calls of the tool", () => {
    expect(decide(document, call("deploy"), session({ tool_counts: { deploy: 1 } })).effect).toBe("allow");
    expect(decide(document, call("deploy"), session({ tool_counts: { deploy: 2 } }))).toMatchObject({
      effect: "deny",
      rule: "/tools/deploy/max_per_session",
      message: "at most 2 calls to `deploy` are allowed per session",
    });
  });

  it("counts a category's calls for a category rule", () => {
    const context = { ...session({ category_counts: { Destructive: 3 } }), tool: { category: "Destructive" as const } };
    expect(decide(document, call("wipe"), context)).toMatchObject({
      rule: "/categories/Destructive/max_per_session",
      message: "at most 3 `Destructive` calls are allowed per session",
    });
  });

  it("counts every call for all_tools", () => {
    expect(decide(document, call("deploy"), session({ call_count: 10 })).rule).toBe("/all_tools/max_per_session");
  });

  it("fails closed when the gateway supplies no session counts", () => {
    expect(decide(document, call("deploy"), { ...CONTEXT, session: { id: "s" } })).toMatchObject({
      effect: "deny",
      rule: "/tools/deploy/max_per_session",
      message: "the gateway did not supply `session.tool_call_count`",
    });
  });
});

describe("arguments", () => {
  const document = {
    ...base,
    tools: {
      create_charge: {
        deny_if: [{ path: "args.amount", op: "gt", value: 10000 }],
        require: [{ path: "args.currency", op: "in", value: ["usd", "eur"] }],
        on_deny: "charges need finance approval",
        args_schema: {
          type: "object",
          properties: { amount: { type: "integer" }, currency: { type: "string" }, memo: { type: "string", maxLength: 20 } },
          required: ["amount", "currency"],
        },
      },
      create_issue: { validate_input: true },
    },
  };
  const inputSchema = { type: "object", properties: { title: { type: "string", pattern: "^[A-Z]" } }, required: ["title"], additionalProperties: false };

  it("allows arguments that satisfy every condition and the schema", () => {
    expect(decide(document, call("create_charge", { amount: 500, currency: "usd" })).effect).toBe("allow");
  });

  it("denies with the rule's message and points at the condition", () => {
    expect(decide(document, call("create_charge", { amount: 20000, currency: "usd" }))).toMatchObject({
      effect: "deny",
      rule: "/tools/create_charge/deny_if/0",
      message: "charges need finance approval",
      reason: "`args.amount` is greater than `10000`",
    });
    expect(decide(document, call("create_charge", { amount: 1, currency: "gbp" }))).toMatchObject({
      rule: "/tools/create_charge/require/0",
      reason: "`args.currency` must be one of `usd`, `eur`",
    });
  });

  it("fails closed on a value of the wrong type and says what to fix", () => {
    expect(decide(document, call("create_charge", { amount: "20000", currency: "usd" }))).toMatchObject({
      rule: "/tools/create_charge/deny_if/0",
      message: "charges need finance approval: `args.amount` is a string, expected a number to compare with `10000`",
    });
  });

  it("denies arguments that do not match args_schema", () => {
    expect(decide(document, call("create_charge", { amount: 5, currency: "usd", memo: "x".repeat(30) }))).toMatchObject({
      rule: "/tools/create_charge/args_schema",
      reason: "arguments do not match `args_schema`: `args.memo` must not have more than 20 characters",
    });
    expect(decide(document, call("create_charge", { amount: 5, currency: "usd", extra: 1, currency2: 2 })).effect).toBe("allow");
  });

  it("enforces the upstream's input schema with validate_input", () => {
    const context = { ...CONTEXT, tool: { inputSchema } };
    expect(decide(document, call("create_issue", { title: "Bug" }), context).effect).toBe("allow");
    expect(decide(document, call("create_issue", { title: "bug" }), context)).toMatchObject({
      rule: "/tools/create_issue/validate_input",
      message: 'arguments do not match the input schema of `create_issue`: `args.title` must match pattern `^[A-Z]`',
    });
    expect(decide(document, call("create_issue", { title: "Bug", labels: [] }), context).message).toBe(
      "arguments do not match the input schema of `create_issue`: `args.labels` is not an allowed argument",
    );
    expect(decide(document, call("create_issue", {}), context).message).toContain("`args.title` is required");
  });

  it("fails closed when the upstream's input schema is unknown or unsafe", () => {
    expect(decide(document, call("create_issue", { title: "Bug" })).message).toBe(
      "the input schema of `create_issue` is unknown, so it cannot be enforced",
    );
    const unsafe = { type: "object", properties: { title: { type: "string", pattern: "^(a+)+$" } } };
    expect(decide(document, call("create_issue", { title: "aaa" }), { ...CONTEXT, tool: { inputSchema: unsafe } }).message).toMatch(
      /^the input schema of `create_issue` cannot be enforced: unsafe regex `\^\(a\+\)\+\$`/,
    );
  });

  it("treats missing arguments as an empty object", () => {
    expect(decide(document, { tool: "create_charge" })).toMatchObject({ rule: "/tools/create_charge/require/0" });
  });
});

describe("decisions", () => {
  it("shares one frozen decision between calls that need no per-call data", () => {
    const policy = compile({ ...base, tools: { x: { limits: [{ counter: "c", window: "minute", max: 1 }] } } });
    const first = evaluate(policy, call("x"), CONTEXT);
    expect(evaluate(policy, call("x"), CONTEXT)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.limits) && Object.isFrozen(first.limits[0])).toBe(true);
    expect(evaluate(policy, call("y"), CONTEXT)).toBe(evaluate(policy, call("z"), CONTEXT));
  });

  it("keeps deciding correctly after its name cache starts over", () => {
    const policy = compile({ ...base, tools: { "keep_*": {} } });
    for (let i = 0; i <= RESOLUTION_CACHE_MAX + 10; i++) evaluate(policy, call(`keep_${i}`), CONTEXT);
    expect(policy.resolutions.size).toBeLessThanOrEqual(RESOLUTION_CACHE_MAX);
    expect(evaluate(policy, call("keep_0"), CONTEXT).effect).toBe("allow");
    expect(evaluate(policy, call("other"), CONTEXT).effect).toBe("deny");
  });

  it("does not keep names longer than any real tool name in its cache, and still decides them", () => {
    const policy = compile({ ...base, tools: { "keep_*": {} } });
    const long = `keep_${"x".repeat(1_000_000)}`;
    expect(evaluate(policy, call(long), CONTEXT).effect).toBe("allow");
    expect(evaluate(policy, call(`other${"y".repeat(RESOLUTION_CACHE_NAME_MAX)}`), CONTEXT).effect).toBe("deny");
    expect(policy.resolutions.size).toBe(0);
    evaluate(policy, call("keep_1"), CONTEXT);
    expect(policy.resolutions.size).toBe(1);
  });

  it("works without a context", () => {
    expect(evaluate(compile({ ...base, tools: { x: {} } }), call("x")).effect).toBe("allow");
  });
});

describe("filterToolList", () => {
  const tools = [{ name: "read" }, { name: "debug" }, { name: "internal_a" }, { name: "delete" }];

  it("removes hidden tools and keeps denied ones", () => {
    const policy = compile({ ...base, hide: ["debug", "internal_*"], tools: { delete: { action: "deny" } } });
    expect(filterToolList(policy, tools)).toEqual([{ name: "read" }, { name: "delete" }]);
    expect(isHidden(policy, "internal_b")).toBe(true);
    expect(isHidden(policy, "delete")).toBe(false);
  });

  it('returns nothing under "*"', () => {
    expect(filterToolList(compile({ ...base, hide: "*" }), tools)).toEqual([]);
  });

  it("keeps every tool when nothing is hidden", () => {
    expect(filterToolList(compile(base), tools)).toEqual(tools);
  });
});
