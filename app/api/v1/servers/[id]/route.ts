import { withOrgApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { updateServerSchema } from "@/lib/validation/servers";
import { getServerOrThrow } from "@/lib/servers/queries";
import { updateServer, deleteServer, PROCESS_FIELDS } from "@/lib/servers/update-server";
import { stopServerProcesses, withConnectorStatus } from "@/lib/stdio/live";
import { getDb } from "@/lib/db/client";

export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  const [server] = await withConnectorStatus([await getServerOrThrow(getDb(), org.id, params.id)]);
  return Response.json({ server });
});

export const PATCH = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ req, params, org, actor }) => {
  const input = await readJson(req, updateServerSchema);
  if (Object.keys(input).length === 0) throw new ApiError("validation_failed", "nothing to change: send at least one field", { fields: { _: "send at least one of name, url, transport, headers, command, args, env, cwd, processMode, idleTimeoutSeconds, maxProcesses, reviewChangedTools" } });
  const updated = await updateServer(getDb(), actor, org.id, params.id, input);
  // Running processes keep the settings they started with: stop them, the next session uses the new ones.
  if (PROCESS_FIELDS.some((f) => input[f] !== undefined)) await stopServerProcesses(params.id, "the server's settings changed; start a new session");
  const [server] = await withConnectorStatus([updated]);
  return Response.json({ server });
});

export const DELETE = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  await deleteServer(getDb(), actor, org.id, params.id);
  await stopServerProcesses(params.id, "the server was deleted", { deleted: true });
  return new Response(null, { status: 204 });
});
