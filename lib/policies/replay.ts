import {
  compilePolicy,
  evaluate,
  rateLimitedDecision,
  validatePolicy,
  type CompiledPolicy,
  type Decision,
  type Effect,
  type EvaluationContext,
  type PolicyDocument,
  type ToolInfo,
} from "../../gateway/policy";
import { escapePointerToken } from "../../gateway/policy/pointer";
import { LimiterUnavailableError, LimitScopeUnavailableError, MemoryRateLimiter, toLimitRequest } from "../../gateway/ratelimit";
import { SessionHistory } from "../../gateway/enforce/session-history";

/**
 * Replay: a draft policy run against recorded tools/call audit events, to show what publishing it
 * would change. Framework-free; lib/policies/replay-run.ts feeds it from the database.
 *
 * Each event is decided the way gateway/enforce/decide-call.ts decides a live call: evaluate, then
 * (for an allowed call) reserve its limits all or nothing, in an in-memory limiter driven by the
 * recorded timestamps (never the wall clock), with session history counted over the calls the
 * draft would have admitted. The outcome is compared with the decision recorded at the time.
 *
 * Where the audit kept argument names but not values, the call is decided twice: with every
 * argument-dependent check passing and with every one failing. When the two agree the outcome is
 * known; when they differ it depends on values nobody recorded, and the call is counted as
 * `undetermined` rather than guessed.
 */

export const CHANGE_KINDS = ["newly_denied", "newly_hidden", "newly_rate_limited", "newly_requiring_approval", "newly_allowed"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A recorded tools/call, as the audit log keeps it (the fields replay reads). */
export interface ReplayEvent {
  id: string;
  time: Date;
  tool: string;
  grantId: string | null;
  /** A digest of the MCP session id (the audit never keeps the id itself). */
  sessionId: string | null;
  decision: string;
  rulePointer: string | null;
  message: string | null;
  policyVersion: number | null;
  /** The argument values, or null when the organization keeps only their names. */
  args: unknown;
  argKeys: readonly string[];
  /** Set when a human's approval decided the call (decision allow or deny) or it waited for one. */
  approvalId?: string | null;
}

export interface ReplayGrant {
  id: string;
  label: string;
  metadata: Record<string, unknown>;
  /** False when the grant has its own policy: the server's draft does not govern its calls. */
  governed: boolean;
}

export interface ReplaySetup {
  /** The draft, already validated (validatePolicy). */
  draft: PolicyDocument;
  orgId: string;
  serverId: string;
  /** The inventory: risk category, level and input schema by tool name. */
  tools: ReadonlyMap<string, ToolInfo>;
  grants: ReadonlyMap<string, ReplayGrant>;
  /** Events before this instant only warm up counters and session history; they are not reported. */
  countFrom: Date;
  /** Report only this grant's calls (every call still counts against shared limits). */
  grantId?: string | null;
  /** The version published now; events decided by another one are counted in `olderVersion`. */
  publishedVersion?: number | null;
  /** Changed calls kept as examples; default 200. */
  sampleLimit?: number;
  /** Rows of byTool and byGrant; default 200 each (the rest are summed into `otherRows`). */
  rowLimit?: number;
}

export interface ChangeCounts {
  calls: number;
  unchanged: number;
  newlyDenied: number;
  newlyHidden: number;
  newlyRateLimited: number;
  newlyRequiringApproval: number;
  newlyAllowed: number;
  /** The outcome depends on argument values the audit did not keep. */
  undetermined: number;
}

export interface Outcome {
  effect: string;
  rule: string | null;
  message: string | null;
}

export interface ChangedCall {
  id: string;
  time: string;
  tool: string;
  grantId: string | null;
  grantLabel: string | null;
  change: ChangeKind | "undetermined";
  before: Outcome;
  after: Outcome;
  /** For an undetermined call: what it would be if its arguments failed the draft's checks. */
  otherwise?: Outcome;
  argsNotRecorded: boolean;
}

export interface ReplayResult {
  totals: ChangeCounts & { changed: number };
  byTool: ({ tool: string } & ChangeCounts)[];
  byGrant: ({ grantId: string | null; label: string | null } & ChangeCounts)[];
  /** Rows left out of byTool / byGrant by rowLimit (their calls are in the totals). */
  otherRows: { tools: number; grants: number };
  samples: ChangedCall[];
  /** Calls of the period whose argument values were not recorded (names only). */
  argsNotRecorded: number;
  skipped: {
    /** Calls of grants with their own policy: the server's policy does not govern them. */
    ownPolicy: number;
    /** Calls the gateway denied for a reason outside any policy (tool pending review, a store down). */
    outsidePolicy: number;
  };
  /** Calls decided by another version than the one published now. */
  olderVersion: number;
  /** Events simulated before the period only to fill counters and session history. */
  warmupEvents: number;
}

const EFFECTS = new Set<string>(["allow", "deny", "hide", "require_approval", "rate_limited"]);
const KIND_OF: Record<Effect, ChangeKind> = {
  allow: "newly_allowed",
  deny: "newly_denied",
  hide: "newly_hidden",
  rate_limited: "newly_rate_limited",
  require_approval: "newly_requiring_approval",
};
const COUNT_KEY: Record<ChangeKind | "undetermined", keyof ChangeCounts> = {
  newly_allowed: "newlyAllowed",
  newly_denied: "newlyDenied",
  newly_hidden: "newlyHidden",
  newly_rate_limited: "newlyRateLimited",
  newly_requiring_approval: "newlyRequiringApproval",
  undetermined: "undetermined",
};

export function emptyCounts(): ChangeCounts {
  return { calls: 0, unchanged: 0, newlyDenied: 0, newlyHidden: 0, newlyRateLimited: 0, newlyRequiringApproval: 0, newlyAllowed: 0, undetermined: 0 };
}

export function changedCount(c: ChangeCounts): number {
  return c.newlyDenied + c.newlyHidden + c.newlyRateLimited + c.newlyRequiringApproval + c.newlyAllowed;
}

// ── argument-blind variants of the draft ─────────────────────────────────────────────────────

const ARGS_PATH = /^args($|[.[])/;
/** Always holds (`tool.name` is always supplied) / never holds: stand-ins that keep pointers in place. */
const HOLDS = Object.freeze({ path: "tool.name", op: "exists" as const });
const NEVER = Object.freeze({ path: "tool.name", op: "exists" as const, value: false });

type AnyRule = {
  require?: { path: string }[];
  deny_if?: { path: string }[];
  args_schema?: unknown;
  validate_input?: boolean;
  limits?: { increment_from?: string }[];
};

function readsArgs(rule: AnyRule): boolean {
  return (
    (rule.require ?? []).some((c) => ARGS_PATH.test(c.path)) ||
    (rule.deny_if ?? []).some((c) => ARGS_PATH.test(c.path)) ||
    rule.args_schema !== undefined ||
    rule.validate_input === true ||
    (rule.limits ?? []).some((l) => l.increment_from !== undefined)
  );
}

/** The rule with every argument check passing (pointers kept), and spend caps counting 1. */
function blindRule<R extends AnyRule>(rule: R, poison: boolean): R {
  if (!readsArgs(rule)) return rule;
  const out: AnyRule = { ...rule };
  if (rule.require) out.require = rule.require.map((c) => (ARGS_PATH.test(c.path) ? HOLDS : c));
  if (rule.deny_if) out.deny_if = rule.deny_if.map((c) => (ARGS_PATH.test(c.path) ? NEVER : c));
  delete out.args_schema;
  delete out.validate_input;
  if (rule.limits) out.limits = rule.limits.map(({ increment_from: _, ...l }) => l);
  // Poisoned: every argument check fails, whichever the rule holds.
  if (poison) out.deny_if = [...(out.deny_if ?? []), HOLDS];
  return out as R;
}

function mapRules(doc: PolicyDocument, poison: boolean): PolicyDocument {
  const out: PolicyDocument = { ...doc };
  if (doc.tools) out.tools = Object.fromEntries(Object.entries(doc.tools).map(([k, r]) => [k, blindRule(r, poison)]));
  if (doc.categories) out.categories = Object.fromEntries(Object.entries(doc.categories).map(([k, r]) => [k, r && blindRule(r, poison)])) as PolicyDocument["categories"];
  if (doc.all_tools) out.all_tools = blindRule(doc.all_tools, poison);
  return out;
}

function rulesOf(doc: PolicyDocument): [string, AnyRule][] {
  const rules: [string, AnyRule][] = [];
  for (const [k, r] of Object.entries(doc.tools ?? {})) rules.push([`/tools/${escapePointerToken(k)}`, r]);
  for (const [k, r] of Object.entries(doc.categories ?? {})) if (r) rules.push([`/categories/${escapePointerToken(k)}`, r]);
  if (doc.all_tools) rules.push(["/all_tools", doc.all_tools]);
  return rules;
}

function compileChecked(doc: PolicyDocument): CompiledPolicy {
  const checked = validatePolicy(doc);
  if (!checked.ok) throw new Error(`replay: derived policy is invalid: ${checked.errors[0].path}: ${checked.errors[0].message}`);
  return compilePolicy(checked.policy);
}

// ── the replay ───────────────────────────────────────────────────────────────────────────────

const ARGS_UNKNOWN = "denied if the arguments fail this rule's argument checks (their values were not recorded)";
const SESSION_UNAVAILABLE = "a session (this limit counts per session) is unavailable, so the call is denied; try again shortly";

export class Replay {
  private readonly full: CompiledPolicy;
  /** Set when the draft reads arguments: the argument-blind and the argument-failing variants. */
  private readonly blind: CompiledPolicy | null;
  private readonly poisoned: CompiledPolicy | null;
  /** Pointers of spend-cap limits: their cost is an argument, unknown when values were not kept. */
  private readonly spendCaps = new Set<string>();
  private readonly limiter = new MemoryRateLimiter({ now: () => this.clock });
  private readonly history = new SessionHistory(200_000);
  private clock = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  private readonly totals = emptyCounts();
  private readonly tools = new Map<string, ChangeCounts>();
  private readonly grantRows = new Map<string | null, ChangeCounts>();
  private readonly samples: ChangedCall[] = [];
  private readonly sampleKeys = new Map<string, number>();
  private argsNotRecorded = 0;
  private ownPolicy = 0;
  private outsidePolicy = 0;
  private olderVersion = 0;
  private warmup = 0;

  constructor(private readonly setup: ReplaySetup) {
    this.full = compilePolicy(setup.draft);
    const readers = rulesOf(setup.draft).filter(([, r]) => readsArgs(r));
    for (const [pointer, rule] of readers) {
      (rule.limits ?? []).forEach((l, i) => l.increment_from !== undefined && this.spendCaps.add(`${pointer}/limits/${i}`));
    }
    this.blind = readers.length ? compileChecked(mapRules(setup.draft, false)) : null;
    this.poisoned = readers.length ? compileChecked(mapRules(setup.draft, true)) : null;
  }

  /** Decides one recorded call under the draft. Events must come in time order. */
  async add(event: ReplayEvent): Promise<void> {
    const t = event.time.getTime();
    if (t < this.lastTime) throw new Error(`replay: events out of order (${event.id} at ${event.time.toISOString()})`);
    this.lastTime = t;
    this.clock = t;
    const grant = event.grantId ? this.setup.grants.get(event.grantId) : undefined;
    const report = t >= this.setup.countFrom.getTime() && (!this.setup.grantId || event.grantId === this.setup.grantId);

    if (grant && !grant.governed) {
      if (report) this.ownPolicy++;
      return;
    }
    // Denied by the gateway with no rule while a policy was in force: a tool pending review or
    // a store that was down. The policy did not decide it, so the draft's outcome says nothing.
    if (event.decision === "deny" && event.rulePointer === null && event.policyVersion !== null) {
      if (report) this.outsidePolicy++;
      return;
    }

    const info = this.setup.tools.get(event.tool);
    const argsKnown = event.args !== null && event.args !== undefined;
    const context: EvaluationContext = {
      grant: grant ? { id: grant.id, label: grant.label, metadata: grant.metadata } : undefined,
      session: event.sessionId ? { id: event.sessionId, ...(this.history.get(event.sessionId, event.tool) ?? { call_count: 0, tool_counts: {}, category_counts: {} }) } : undefined,
      server: { id: this.setup.serverId },
      org: { id: this.setup.orgId },
      tool: info,
    };

    let decision: Decision;
    let otherwise: Decision | null = null;
    if (argsKnown || !this.blind || !this.poisoned) {
      const args = argsKnown && typeof event.args === "object" && !Array.isArray(event.args) ? (event.args as Record<string, unknown>) : {};
      decision = evaluate(this.full, { tool: event.tool, args }, context);
    } else {
      decision = evaluate(this.blind, { tool: event.tool, args: {} }, context);
      const worst = evaluate(this.poisoned, { tool: event.tool, args: {} }, context);
      // The poisoned variant denies at the stand-in appended to the deny_if of a rule that reads
      // arguments: name that rule, not the stand-in.
      if (worst.effect !== decision.effect) otherwise = { ...worst, rule: worst.rule?.replace(/\/deny_if\/\d+$/, "") ?? null, message: ARGS_UNKNOWN };
    }

    const after = await this.enforce(event, decision, info);
    if (!report) {
      this.warmup++;
      return;
    }

    if (!argsKnown) this.argsNotRecorded++;
    if (this.setup.publishedVersion != null && event.policyVersion !== this.setup.publishedVersion) this.olderVersion++;
    const before = event.decision;
    // A call a human approved or denied then would wait for a human again: as it was.
    const sameHuman = after.effect === "require_approval" && humanDecided(event);
    const change: ChangeKind | "undetermined" | null =
      otherwise !== null ? "undetermined" : after.effect === before || sameHuman ? null : EFFECTS.has(after.effect) ? KIND_OF[after.effect] : null;
    this.count(this.totals, change);
    this.count(rowOf(this.tools, event.tool), change);
    this.count(rowOf(this.grantRows, event.grantId), change);
    if (change !== null) {
      this.sample(event, grant, change, after, otherwise, !argsKnown);
    }
  }

  /** What the gateway does after evaluating: reserve an allowed call's limits, count its session. */
  private async enforce(event: ReplayEvent, decision: Decision, info: ToolInfo | undefined): Promise<Decision> {
    // The gateway reserves the limits of a call behind an approval too (so that a call over its
    // limit does not use up its approval) and keeps them only when an approval is used.
    if (decision.effect !== "allow" && decision.effect !== "require_approval") return decision;
    // Spend caps whose amount is unknown are not counted (their cost would be a guess).
    const limits = this.spendCaps.size && (event.args === null || event.args === undefined) ? decision.limits.filter((l) => !this.spendCaps.has(l.rule)) : decision.limits;
    let reservation = null;
    if (limits.length) {
      const ctx = { orgId: this.setup.orgId, serverId: this.setup.serverId, grantId: event.grantId ?? undefined, sessionId: event.sessionId ?? undefined };
      let reserved;
      try {
        reserved = await this.limiter.reserve(limits.map((l) => toLimitRequest(l, ctx, l.cost)), this.clock);
      } catch (err) {
        if (err instanceof LimitScopeUnavailableError) return { effect: "deny", rule: null, message: SESSION_UNAVAILABLE, reason: SESSION_UNAVAILABLE, limits: [] };
        if (err instanceof LimiterUnavailableError) throw new Error("replay: too many distinct counters to simulate");
        throw err;
      }
      if (!reserved.ok) return rateLimitedDecision(limits[reserved.failedIndex], reserved.results[reserved.failedIndex].resetMs);
      reservation = reserved.reservation;
    }
    const approved = decision.effect === "require_approval" && humanDecided(event) && event.decision === "allow";
    if (decision.effect === "require_approval" && !approved) {
      if (reservation) await this.limiter.rollback(reservation, this.clock);
      return decision;
    }
    if (event.sessionId) this.history.record(event.sessionId, event.tool, info?.category);
    // The upstream failed this call when it ran: the gateway gave its quota back then, and would again.
    if (reservation && event.decision === "allow" && event.message?.startsWith("upstream error:")) await this.limiter.rollback(reservation, this.clock);
    return decision;
  }

  private count(row: ChangeCounts, change: ChangeKind | "undetermined" | null) {
    row.calls++;
    if (change === null) row.unchanged++;
    else row[COUNT_KEY[change]]++;
  }

  /** Keeps a varied sample: at most two calls per (change, tool, grant), up to sampleLimit. */
  private sample(event: ReplayEvent, grant: ReplayGrant | undefined, change: ChangeKind | "undetermined", after: Decision, otherwise: Decision | null, argsNotRecorded: boolean) {
    if (this.samples.length >= (this.setup.sampleLimit ?? 200)) return;
    const key = `${change}\0${event.tool}\0${event.grantId}`;
    const seen = this.sampleKeys.get(key) ?? 0;
    if (seen >= 2) return;
    this.sampleKeys.set(key, seen + 1);
    this.samples.push({
      id: event.id,
      time: event.time.toISOString(),
      tool: event.tool,
      grantId: event.grantId,
      grantLabel: grant?.label ?? null,
      change,
      before: { effect: event.decision, rule: event.rulePointer, message: event.message },
      after: outcomeOf(after),
      ...(otherwise ? { otherwise: outcomeOf(otherwise) } : {}),
      argsNotRecorded,
    });
  }

  result(): ReplayResult {
    const rowLimit = this.setup.rowLimit ?? 200;
    const order = (a: ChangeCounts, b: ChangeCounts) => changedCount(b) + b.undetermined - (changedCount(a) + a.undetermined) || b.calls - a.calls;
    const tools = [...this.tools].map(([tool, c]) => ({ tool, ...c })).sort((a, b) => order(a, b) || a.tool.localeCompare(b.tool));
    const grants = [...this.grantRows]
      .map(([grantId, c]) => ({ grantId, label: grantId ? (this.setup.grants.get(grantId)?.label ?? null) : null, ...c }))
      .sort((a, b) => order(a, b) || String(a.label ?? a.grantId).localeCompare(String(b.label ?? b.grantId)));
    return {
      totals: { ...this.totals, changed: changedCount(this.totals) },
      byTool: tools.slice(0, rowLimit),
      byGrant: grants.slice(0, rowLimit),
      otherRows: { tools: Math.max(0, tools.length - rowLimit), grants: Math.max(0, grants.length - rowLimit) },
      samples: [...this.samples].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)),
      argsNotRecorded: this.argsNotRecorded,
      skipped: { ownPolicy: this.ownPolicy, outsidePolicy: this.outsidePolicy },
      olderVersion: this.olderVersion,
      warmupEvents: this.warmup,
    };
  }
}

function humanDecided(event: ReplayEvent): boolean {
  return event.approvalId != null && (event.decision === "allow" || event.decision === "deny");
}

function rowOf<K>(map: Map<K, ChangeCounts>, key: K): ChangeCounts {
  let row = map.get(key);
  if (!row) map.set(key, (row = emptyCounts()));
  return row;
}

function outcomeOf(d: Decision): Outcome {
  return { effect: d.effect, rule: d.rule, message: d.message };
}
