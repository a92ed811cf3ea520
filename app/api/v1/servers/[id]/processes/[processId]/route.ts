import { withOrgApi } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { getServerOrThrow } from "@/lib/servers/queries";
import { stopProcess } from "@/lib/stdio/live";
import { recordAdminChange } from "@/lib/admin-audit/record";
import { getDb } from "@/lib/db/client";

// DELETE /api/v1/servers/{id}/processes/{processId} → 204: stops a process (a stuck one, say);
// its sessions end and their clients are told why.
export const DELETE = withOrgApi<{ id: string; processId: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  const db = getDb();
  const server = await getServerOrThrow(db, org.id, params.id);
  if (server.kind === "url" || !(await stopProcess(server.id, params.processId))) throw new ApiError("not_found", "no running process with this id (it may have stopped already)");
  await db.$transaction((tx) => recordAdminChange(tx, actor, { orgId: org.id, action: "server.process_stopped", targetType: "server", targetId: server.id, details: { processId: params.processId } }));
  return new Response(null, { status: 204 });
});
