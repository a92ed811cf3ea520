import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { encodeCursor, type KeyValue } from "../api/pagination";
import type { ApprovalFilter, ApprovalStatusName } from "../validation/approvals";
import { mayDecide, type Decider } from "./decide";

// Approval requests as approvers see them: the call (tool, arguments in full, digest), who asked
// (server, grant), the tool's risk from the inventory, the rule and policy version, the decision
// (who, when, why), and the audit events of the calls linked to it. A request still marked
// pending or approved past its expiry is reported as expired (the sweeper closes it within
// seconds; the list does not wait for it). Each request says whether the caller may decide it
// now (`canDecide`: pending, and their role allows it or the rule names them).

const NOW = `(now() AT TIME ZONE 'UTC')`;
const STATUS = `(CASE WHEN a.status IN ('pending', 'approved') AND a."expiresAt" <= ${NOW} THEN 'expired' ELSE a.status::text END)`;
const RANK = `(CASE WHEN ${STATUS} = 'pending' THEN 0 ELSE 1 END)`;

interface Row {
  id: string;
  status: ApprovalStatusName;
  rank: number;
  serverId: string;
  grantId: string;
  tool: string;
  argsDigest: string;
  args: unknown;
  policyVersion: number | null;
  rulePointer: string | null;
  requestedAt: Date;
  expiresAt: Date;
  decidedById: string | null;
  decidedAt: Date | null;
  comment: string | null;
  usedAt: Date | null;
  approvers: string[] | null;
}

/** Who is asking, for `canDecide`: their role and, for a person, their email. */
export type ApprovalViewer = Pick<Decider, "role" | "email">;

export interface ApprovalDecider {
  type: "user" | "api_key" | "unknown";
  id: string;
  name: string | null;
  email: string | null;
}

export interface ApprovalItem {
  id: string;
  status: ApprovalStatusName;
  tool: string;
  args: unknown;
  argsDigest: string;
  server: { id: string; name: string };
  grant: { id: string; label: string };
  risk: { category: string; level: string } | null;
  rulePointer: string | null;
  policyVersion: number | null;
  requestedAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  decidedBy: ApprovalDecider | null;
  comment: string | null;
  usedAt: Date | null;
  auditEventIds: string[];
  /** Emails the rule names as approvers besides admins and policy managers (lower case). */
  approvers: string[];
  /** Whether the caller may approve or deny it now. */
  canDecide: boolean;
}

function whereOf(orgId: string, f: ApprovalFilter, params: unknown[]): string {
  params.push(orgId);
  const parts = [`a."orgId" = $${params.length}`];
  if (f.status?.length) {
    params.push(f.status);
    parts.push(`${STATUS} = ANY($${params.length}::text[])`);
  }
  if (f.serverId) {
    params.push(f.serverId);
    parts.push(`a."serverId" = $${params.length}`);
  }
  if (f.grantId) {
    params.push(f.grantId);
    parts.push(`a."grantId" = $${params.length}`);
  }
  if (f.tool) {
    params.push(f.tool);
    parts.push(`a.tool = $${params.length}`);
  }
  return parts.join(" AND ");
}

const COLUMNS = `a.id, ${STATUS} AS status, ${RANK} AS rank, a."serverId", a."grantId", a.tool, a."argsDigest", a.args, a."policyVersion",
  a."rulePointer", a."requestedAt", a."expiresAt", a."decidedById", a."decidedAt", a.comment, a."usedAt", a.approvers`;

/** A page of requests: pending first, then newest first. */
export async function listApprovals(db: Db, orgId: string, viewer: ApprovalViewer, q: ApprovalFilter & { limit: number; cursor?: KeyValue[] }) {
  const params: unknown[] = [];
  let where = whereOf(orgId, q, params);
  if (q.cursor) {
    const [rank, at, id] = q.cursor;
    params.push(rank, at, id);
    const [r, t, i] = [params.length - 2, params.length - 1, params.length];
    where += ` AND (${RANK} > $${r} OR (${RANK} = $${r} AND (a."requestedAt", a.id) < ($${t}::timestamp(3), $${i})))`;
  }
  params.push(q.limit + 1);
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT ${COLUMNS} FROM "Approval" a WHERE ${where} ORDER BY rank ASC, a."requestedAt" DESC, a.id DESC LIMIT $${params.length}`,
    ...params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: await describe(db, orgId, viewer, page),
    nextCursor: rows.length > q.limit ? encodeCursor([last.rank, last.requestedAt, last.id]) : null,
  };
}

/** How many requests are waiting for a decision (the dashboard's badge). */
export async function countPendingApprovals(db: Db, orgId: string): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Approval" WHERE "orgId" = $1 AND status = 'pending' AND "expiresAt" > ${NOW}`,
    orgId,
  );
  return rows[0]?.n ?? 0;
}

/** One request of the organization; 404 for any other id (other organizations' too). */
export async function getApproval(db: Db, orgId: string, id: string, viewer: ApprovalViewer): Promise<ApprovalItem> {
  const rows = await db.$queryRawUnsafe<Row[]>(`SELECT ${COLUMNS} FROM "Approval" a WHERE a.id = $1 AND a."orgId" = $2`, id, orgId);
  if (!rows[0]) throw new ApiError("not_found", "no approval request with this id");
  return (await describe(db, orgId, viewer, rows))[0];
}

/** Who decided, for people: a member's name and email, or an API key's name. */
export async function resolveDeciders(db: Db, orgId: string, ids: string[]): Promise<Map<string, ApprovalDecider>> {
  const unique = [...new Set(ids)];
  const [users, keys] = await Promise.all([
    db.user.findMany({ where: { id: { in: unique.filter((i) => i.startsWith("usr_")) } }, select: { id: true, name: true, email: true } }),
    db.apiKey.findMany({ where: { orgId, id: { in: unique.filter((i) => i.startsWith("key_")) } }, select: { id: true, name: true } }),
  ]);
  const out = new Map<string, ApprovalDecider>();
  for (const id of unique) out.set(id, { type: "unknown", id, name: id, email: null });
  for (const u of users) out.set(u.id, { type: "user", id: u.id, name: u.name, email: u.email });
  for (const k of keys) out.set(k.id, { type: "api_key", id: k.id, name: k.name, email: null });
  return out;
}

/** A decider in one phrase: "Ada Lovelace (ada@example.com)", "API key ci". */
export function deciderLabel(d: ApprovalDecider | null): string {
  if (!d) return "someone";
  if (d.type === "api_key") return `API key ${d.name}`;
  if (d.type === "user") return d.name ? `${d.name} (${d.email})` : (d.email ?? d.id);
  return d.name ?? d.id;
}

async function describe(db: Db, orgId: string, viewer: ApprovalViewer, rows: Row[]): Promise<ApprovalItem[]> {
  if (rows.length === 0) return [];
  const serverIds = [...new Set(rows.map((r) => r.serverId))];
  const grantIds = [...new Set(rows.map((r) => r.grantId))];
  const earliest = new Date(Math.min(...rows.map((r) => r.requestedAt.getTime())) - 60_000);
  const [servers, grants, tools, deciders, events] = await Promise.all([
    db.server.findMany({ where: { orgId, id: { in: serverIds } }, select: { id: true, name: true } }),
    db.grant.findMany({ where: { orgId, id: { in: grantIds } }, select: { id: true, label: true } }),
    db.tool.findMany({
      where: { serverId: { in: serverIds }, name: { in: [...new Set(rows.map((r) => r.tool))] } },
      select: { serverId: true, name: true, riskCategory: true, riskLevel: true },
    }),
    resolveDeciders(db, orgId, rows.flatMap((r) => (r.decidedById ? [r.decidedById] : []))),
    // Through the (org, grant, time) index: the events of these grants since the oldest request.
    db.auditEvent.findMany({
      where: { orgId, grantId: { in: grantIds }, time: { gte: earliest }, approvalId: { in: rows.map((r) => r.id) } },
      select: { id: true, approvalId: true },
      orderBy: [{ time: "asc" }, { id: "asc" }],
    }),
  ]);
  return rows.map((r) => {
    const tool = tools.find((t) => t.serverId === r.serverId && t.name === r.tool);
    const approvers = r.approvers ?? [];
    return {
      id: r.id,
      status: r.status,
      tool: r.tool,
      args: r.args,
      argsDigest: r.argsDigest,
      server: { id: r.serverId, name: servers.find((s) => s.id === r.serverId)?.name ?? "(deleted server)" },
      grant: { id: r.grantId, label: grants.find((g) => g.id === r.grantId)?.label ?? "(deleted grant)" },
      risk: tool ? { category: tool.riskCategory, level: tool.riskLevel } : null,
      rulePointer: r.rulePointer,
      policyVersion: r.policyVersion,
      requestedAt: r.requestedAt,
      expiresAt: r.expiresAt,
      decidedAt: r.decidedAt,
      decidedBy: r.decidedById ? (deciders.get(r.decidedById) ?? null) : null,
      comment: r.comment,
      usedAt: r.usedAt,
      auditEventIds: events.filter((e) => e.approvalId === r.id).map((e) => e.id),
      approvers,
      canDecide: r.status === "pending" && mayDecide(viewer, approvers),
    };
  });
}
