import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import type { RiskCategory, RiskLevel, ToolInfo } from "../../gateway/policy";
import { getServerOrThrow } from "../servers/queries";
import { getServerPolicy } from "./server-policy";
import { validateForServer } from "./validate";
import { Replay, type ReplayEvent, type ReplayGrant, type ReplayResult } from "./replay";
import type { ReplayInput } from "../validation/replay";

/** At most this many events of the period are replayed (the most recent ones). */
export const REPLAY_MAX_EVENTS = 100_000;
/** At most this many events before the period warm up counters (day windows reach back to 00:00 UTC). */
export const REPLAY_MAX_WARMUP_EVENTS = 20_000;
const PAGE = 2_000;
/** Argument values larger than this (as stored) are read as not recorded: a page stays small whatever agents sent. */
export const REPLAY_MAX_ARGS_BYTES = 16_384;
const DAY_MS = 86_400_000;

export interface ReplayResponse extends ReplayResult {
  period: { from: string; to: string; days: number };
  /** Where reporting starts: `period.from`, or later when the period held more than maxEvents calls. */
  countedFrom: string;
  grantId: string | null;
  /** The version published now (what the recorded decisions are compared with is what was recorded). */
  publishedVersion: number | null;
  capped: boolean;
  maxEvents: number;
  eventsRead: number;
  durationMs: number;
}

/** Replays a draft over the server's recorded calls of the last `days` days. */
export async function replayDraft(db: Db, orgId: string, serverId: string, input: ReplayInput, opts: { now?: Date; maxEvents?: number } = {}): Promise<ReplayResponse> {
  const started = performance.now();
  const server = await getServerOrThrow(db, orgId, serverId);
  if (input.policy === undefined || input.policy === null) throw new ApiError("validation_failed", "policy: pass the draft to replay as `policy`", { fields: { policy: "pass the draft to replay" } });
  const draft = await validateForServer(db, serverId, input.policy);
  if (input.grantId && !(await db.grant.findFirst({ where: { id: input.grantId, orgId, serverId }, select: { id: true } }))) {
    throw new ApiError("not_found", "no grant with this id on this server");
  }

  const maxEvents = opts.maxEvents ?? REPLAY_MAX_EVENTS;
  const to = opts.now ?? new Date();
  const from = new Date(to.getTime() - input.days * DAY_MS);
  const base = { orgId, serverId, method: "tools/call", tool: { not: null } };
  // Too many calls in the period: replay the most recent maxEvents.
  const boundary = await db.auditEvent.findFirst({ where: { ...base, time: { gte: from, lte: to } }, orderBy: [{ time: "desc" }, { id: "desc" }], skip: maxEvents, select: { time: true, id: true } });
  const countFrom = boundary ? new Date(boundary.time.getTime() + 1) : from;
  const warmFrom = new Date(Math.floor(countFrom.getTime() / DAY_MS) * DAY_MS);
  const warmBoundary = await db.auditEvent.findFirst({ where: { ...base, time: { gte: warmFrom, lt: countFrom } }, orderBy: [{ time: "desc" }, { id: "desc" }], skip: REPLAY_MAX_WARMUP_EVENTS, select: { time: true } });
  const readFrom = warmBoundary ? new Date(warmBoundary.time.getTime() + 1) : warmFrom;

  const [tools, grants, published] = await Promise.all([
    db.tool.findMany({ where: { serverId, removedAt: null }, select: { name: true, riskCategory: true, riskLevel: true, inputSchema: true } }),
    db.grant.findMany({ where: { orgId, serverId }, select: { id: true, label: true, metadata: true, policyId: true } }),
    getServerPolicy(db, orgId, serverId),
  ]);
  const replay = new Replay({
    draft,
    orgId,
    serverId,
    tools: new Map<string, ToolInfo>(
      tools.map((t) => [t.name, { category: t.riskCategory as RiskCategory, level: t.riskLevel as RiskLevel, inputSchema: (t.inputSchema ?? undefined) as Record<string, unknown> | undefined }]),
    ),
    grants: new Map<string, ReplayGrant>(
      grants.map((g) => [g.id, { id: g.id, label: g.label, metadata: (g.metadata ?? {}) as Record<string, unknown>, governed: g.policyId === null || g.policyId === server.policyId }]),
    ),
    countFrom,
    grantId: input.grantId ?? null,
    publishedVersion: published.version,
  });

  // Keyset pages in (time, id) order: bounded memory whatever the period holds.
  let eventsRead = 0;
  let after: { time: Date; id: string } | null = null;
  for (;;) {
    const page = await readPage(db, orgId, serverId, readFrom, to, after);
    for (const e of page) await replay.add(e);
    eventsRead += page.length;
    if (page.length < PAGE) break;
    after = { time: page[page.length - 1].time, id: page[page.length - 1].id };
  }

  const result = replay.result();
  return {
    ...result,
    period: { from: from.toISOString(), to: to.toISOString(), days: input.days },
    countedFrom: countFrom.toISOString(),
    grantId: input.grantId ?? null,
    publishedVersion: published.version,
    capped: boundary !== null,
    maxEvents,
    eventsRead: eventsRead - result.warmupEvents,
    durationMs: Math.round(performance.now() - started),
  };
}

type Cursor = { time: Date; id: string } | null;

/**
 * One keyset page. Raw SQL over the (orgId, serverId, time) index: for 10,000 events it read and
 * replayed in 0.41–0.54 s against 0.57–0.70 s through findMany (measured on the shared 2 cores).
 */
async function readPage(db: Db, orgId: string, serverId: string, from: Date, to: Date, after: Cursor): Promise<ReplayEvent[]> {
  const afterTime = after?.time ?? new Date(0);
  const afterId = after?.id ?? "";
  return db.$queryRaw<ReplayEvent[]>`
    SELECT id, time, tool, "grantId", "sessionId", decision, "rulePointer", message, "policyVersion", "argKeys", "approvalId",
           CASE WHEN pg_column_size(args) <= ${REPLAY_MAX_ARGS_BYTES} THEN args END AS args
    FROM "AuditEvent"
    WHERE "orgId" = ${orgId} AND "serverId" = ${serverId} AND method = 'tools/call' AND tool IS NOT NULL
      AND time >= ${from} AND time <= ${to} AND (time, id) > (${afterTime}, ${afterId})
    ORDER BY time, id
    LIMIT ${PAGE}`;
}
