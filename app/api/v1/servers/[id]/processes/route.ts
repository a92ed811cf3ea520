import { withOrgApi } from "@/lib/api/handler";
import { getServerOrThrow } from "@/lib/servers/queries";
import { processesOf } from "@/lib/stdio/live";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/processes → {items}: the server's running processes on this replica.
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  const server = await getServerOrThrow(getDb(), org.id, params.id);
  return Response.json({ items: server.kind === "url" ? [] : await processesOf(server.id) });
});
