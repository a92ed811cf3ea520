import { z } from "zod";
import { withOrgApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { listTools } from "@/lib/servers/queries";
import { recordAdminChange } from "@/lib/admin-audit/record";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/tools → every tool with risk {category, level, reasons} and the recommended rule
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ req, params, org }) => {
  const includeRemoved = new URL(req.url).searchParams.get("includeRemoved") === "true";
  return Response.json({ tools: await listTools(getDb(), org.id, params.id, { includeRemoved }) });
});

// POST /api/v1/servers/{id}/tools {review: [names]} → marks new or changed tools as reviewed
const reviewSchema = z.object({ review: z.array(z.string().min(1).max(200)).min(1, "name at least one tool").max(1000) });
export const POST = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ req, params, org, actor }) => {
  const { review } = await readJson(req, reviewSchema);
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
