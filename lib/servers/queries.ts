import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { classifyTool } from "../../gateway/risk";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { SERVER_ORDER, TOOL_ORDER } from "../validation/lists";

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
  kind: true,
  command: true,
  args: true,
  cwd: true,
  envNames: true,
  processMode: true,
  idleTimeoutSeconds: true,
  maxProcesses: true,
  connectorSeenAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function getServerOrThrow(db: Db, orgId: string, id: string) {
  const server = await db.server.findFirst({ where: { id, orgId }, select: SERVER_FIELDS });
  if (!server) throw new ApiError("not_found", "no server with this id");
  return server;
}

export async function listServers(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const rows = await db.server.findMany({
    ...pageArgs({ orgId }, SERVER_ORDER, q),
    select: { ...SERVER_FIELDS, _count: { select: { tools: { where: { removedAt: null } }, grants: { where: { revokedAt: null } } } } },
  });
  return toPage(rows, q.limit, (s) => [s.id]);
}

type ToolRow = Awaited<ReturnType<Db["tool"]["findMany"]>>[number];

/** A tool as the inventory shows it: its rating, reasons, recommended rule and review state. */
function inventoryTool(t: ToolRow, reviewChangedTools: boolean) {
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
    // Multiplexed tools: the argument choosing the operation and each operation's own rating.
    operations: rated.operations ?? null,
    definitionHash: t.definitionHash,
    firstSeenAt: t.firstSeenAt,
    changedAt: t.changedAt,
    removedAt: t.removedAt,
    pendingReview: reviewChangedTools && t.reviewedAt === null && !t.removedAt,
    previousDefinition: t.previousDefinition,
  };
}

/** A page of a server's inventory, by name. */
export async function listTools(db: Db, orgId: string, serverId: string, q: { limit: number; cursor?: KeyValue[]; includeRemoved?: boolean }) {
  const server = await getServerOrThrow(db, orgId, serverId);
  const rows = await db.tool.findMany(pageArgs({ serverId, ...(q.includeRemoved ? {} : { removedAt: null }) }, TOOL_ORDER, q));
  const page = toPage(rows, q.limit, (t) => [t.name]);
  return { items: page.items.map((t) => inventoryTool(t, server.reviewChangedTools)), nextCursor: page.nextCursor };
}

/** A draft policy built from the ratings: default deny, each tool in its recommended lane. */
export async function recommendedPolicy(db: Db, orgId: string, serverId: string) {
  const server = await getServerOrThrow(db, orgId, serverId);
  const tools = await db.tool.findMany({ where: { serverId, removedAt: null }, orderBy: { name: "asc" } });
  const rules: Record<string, unknown> = {};
  for (const t of tools) rules[t.name] = inventoryTool(t, server.reviewChangedTools).recommended.rule;
  return { version: "1", default: "deny", tools: rules };
}
