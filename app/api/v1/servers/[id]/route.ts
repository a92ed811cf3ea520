import { withOrgApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { updateServerSchema } from "@/lib/validation/servers";
import { getServerOrThrow } from "@/lib/servers/queries";
import { updateServer, deleteServer } from "@/lib/servers/update-server";
import { getDb } from "@/lib/db/client";

export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  return Response.json({ server: await getServerOrThrow(getDb(), org.id, params.id) });
});

export const PATCH = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ req, params, org, actor }) => {
  const input = await readJson(req, updateServerSchema);
  if (Object.keys(input).length === 0) throw new ApiError("validation_failed", "nothing to change: send at least one field", { fields: { _: "send at least one of name, url, transport, headers, reviewChangedTools" } });
  return Response.json({ server: await updateServer(getDb(), actor, org.id, params.id, input) });
});

export const DELETE = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  await deleteServer(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
