import { withOrgApi } from "@/lib/api/handler";
import { revokeConnectorKey } from "@/lib/stdio/connector-keys";
import { disconnectConnectorKey } from "@/lib/stdio/live";
import { getDb } from "@/lib/db/client";

// DELETE → 204: the key is revoked and a connector using it is disconnected.
export const DELETE = withOrgApi<{ id: string; keyId: string }>({ permission: "servers.write" }, async ({ params, org, actor }) => {
  await revokeConnectorKey(getDb(), actor, org.id, params.id, params.keyId);
  await disconnectConnectorKey(params.keyId);
  return new Response(null, { status: 204 });
});
