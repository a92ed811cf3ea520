import { withOrgApi, readQuery } from "@/lib/api/handler";
import { getServerOrThrow } from "@/lib/servers/queries";
import { serverLogsQuery } from "@/lib/validation/servers";
import { logsOf } from "@/lib/stdio/live";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/logs?after&limit → {items, next}: stderr and lifecycle lines of the
// server's processes (admins only: a program's stderr may print what it was given).
export const GET = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ req, params, org }) => {
  const server = await getServerOrThrow(getDb(), org.id, params.id);
  const q = readQuery(req, serverLogsQuery);
  return Response.json(await logsOf(server.id, q.after ?? 0, q.limit ?? 500));
});
