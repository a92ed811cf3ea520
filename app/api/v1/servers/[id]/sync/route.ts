import { withOrgApi } from "@/lib/api/handler";
import { syncServerTools } from "@/lib/servers/sync-tools";
import { getDb } from "@/lib/db/client";

// POST /api/v1/servers/{id}/sync → lists the tools again: {total, added, changed, removed}
export const POST = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  return Response.json(await syncServerTools(getDb(), actor, org.id, params.id));
});
