import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { classifyTool } from "../../gateway/risk";

export const SERVER_FIELDS = {
  id: true,
  name: true,
  url: true,
  transport: true,
  headerNames: true,
  policyId: true,
  reviewChangedTools: true,
  lastSyncAt: true,
  lastSyncError: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function getServerOrThrow(db: Db, orgId: string, id: string) {
  const server = await db.server.findFirst({ where: { id, orgId }, select: SERVER_FIELDS });
  if (!server) throw new ApiError("not_found", "no server with this id");
  return server;
}

export async function listServers(db: Db, orgId: string, limit: number, cursor?: string) {
  const rows = await db.server.findMany({
    where: { orgId },
    select: { ...SERVER_FIELDS, _count: { select: { tools: { where: { removedAt: null } }, grants: { where: { revokedAt: null } } } } },
    orderBy: { id: "asc" },
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  return page(rows, limit);
}

export function page<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** The inventory of a server: each tool with its rating, reasons, recommended rule and review state. */
export async function listTools(db: Db, orgId: string, serverId: string, opts: { includeRemoved?: boolean } = {}) {
  const server = await getServerOrThrow(db, orgId, serverId);
  const tools = await db.tool.findMany({ where: { serverId, ...(opts.includeRemoved ? {} : { removedAt: null }) }, orderBy: { name: "asc" } });
  return tools.map((t) => {
    const rated = classifyTool({
      name: t.name,
      description: t.description ?? undefined,
      inputSchema: (t.inputSchema ?? undefined) as Record<string, unknown> | undefined,
      annotations: (t.annotations ?? undefined) as Record<string, unknown> | undefined,
    });
    return {
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
      annotations: t.annotations,
      risk: { category: t.riskCategory, level: t.riskLevel, reasons: t.riskReasons as string[] },
      recommended: rated.recommended,
      definitionHash: t.definitionHash,
      firstSeenAt: t.firstSeenAt,
      changedAt: t.changedAt,
      removedAt: t.removedAt,
      pendingReview: server.reviewChangedTools && t.reviewedAt === null && !t.removedAt,
      previousDefinition: t.previousDefinition,
    };
  });
}

/** A draft policy built from the ratings: default deny, each tool in its recommended lane. */
export async function recommendedPolicy(db: Db, orgId: string, serverId: string) {
  const tools = await listTools(db, orgId, serverId);
  const rules: Record<string, unknown> = {};
  for (const t of tools) rules[t.name] = t.recommended.rule;
  return { version: "1", default: "deny", tools: rules };
}
