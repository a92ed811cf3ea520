import { withOrgApi } from "@/lib/api/handler";
import { createConnectorKey, listConnectorKeys } from "@/lib/stdio/connector-keys";
import { getDb } from "@/lib/db/client";

// GET → {items}; POST → 201 {key, secret} (the secret shown once)
export const GET = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ params, org }) => {
  return Response.json({ items: await listConnectorKeys(getDb(), org.id, params.id) });
});

export const POST = withOrgApi<{ id: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  return Response.json(await createConnectorKey(getDb(), actor, org.id, params.id), { status: 201 });
});
