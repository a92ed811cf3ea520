import { withOrgApi, readJson, readQuery } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { reviewToolsSchema } from "@/lib/validation/servers";
import { listToolsQuery } from "@/lib/validation/lists";
import { listTools } from "@/lib/servers/queries";
import { recordAdminChange } from "@/lib/admin-audit/record";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/tools?includeRemoved&limit&cursor → {items, nextCursor}: each tool with
// risk {category, level, reasons} and the recommended rule, by name
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ req, params, org }) => {
  return Response.json(await listTools(getDb(), org.id, params.id, readQuery(req, listToolsQuery)));
});

// POST /api/v1/servers/{id}/tools {review: [names]} → marks new or changed tools as reviewed
export const POST = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ req, params, org, actor }) => {
  const { review } = await readJson(req, reviewToolsSchema);
  const db = getDb();
  const updated = await db.$transaction(async (tx) => {
    const server = await tx.server.findFirst({ where: { id: params.id, orgId: org.id }, select: { id: true } });
    if (!server) throw new ApiError("not_found", "no server with this id");
    const r = await tx.tool.updateMany({ where: { serverId: server.id, name: { in: review }, reviewedAt: null }, data: { reviewedAt: new Date() } });
    await recordAdminChange(tx, actor, { orgId: org.id, action: "tools.reviewed", targetType: "server", targetId: server.id, details: { tools: review } });
    return r.count;
  });
  return Response.json({ reviewed: updated });
});
